import {
  AddAddressDocument,
  MarkAllNotificationsReadDocument,
  MeDocument,
  MyNotificationPreferencesDocument,
  MyNotificationsDocument,
  MyWishlistDocument,
  RemoveAddressDocument,
  RemoveFromWishlistDocument,
  UpdateNotificationPreferencesDocument,
  UpdateProfileDocument,
  type AddressFieldsFragment,
  type MeQuery,
  type NotificationChannel,
  type NotificationKind,
  type NotificationPreferenceFieldsFragment,
  type WishlistItemFieldsFragment,
} from "@cartograph/client/documents";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { formatMoney } from "../money";
import { getSession, setSession, useSession } from "../session";
import { problemOf } from "../user-errors";
import { formatDate } from "../dates";
import { Problem, Status } from "../components/messages";

type Me = NonNullable<MeQuery["me"]>;

/** The signed-in customer's profile, addresses, notifications and wishlist. */
export default function AccountPage() {
  const session = useSession();
  return (
    <div className="page">
      <h1>Your account</h1>
      {session ? (
        // Keyed by user: nothing typed or loaded for one account survives a switch to another.
        <Account key={session.user.id} />
      ) : (
        <p>
          <Link to="/sign-in">Sign in</Link> to see your account.
        </p>
      )}
    </div>
  );
}

function Account() {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MeDocument });
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const me = data?.me;
  return (
    <>
      {me ? (
        <>
          <ProfileSection me={me} />
          <AddressesSection addresses={me.addresses} onChanged={refresh} />
        </>
      ) : fetching ? (
        <p className="loading">Loading…</p>
      ) : (
        <Problem message={problemOf(undefined, error) ?? "Your session has ended. Sign in again."} />
      )}
      <NotificationsSection />
      <WishlistSection />
    </>
  );
}

function ProfileSection({ me }: { me: Me }) {
  const id = useId();
  const [name, setName] = useState(me.name);
  const [{ fetching }, updateProfile] = useMutation(UpdateProfileDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(null);
    const result = await updateProfile({ input: { name: name.trim() } });
    const payload = result.data?.updateProfile;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused);
    if (refused || !payload?.user) return;
    setName(payload.user.name);
    setSaved("Your name is saved.");
    // The session keeps the user's name too (other tabs and pages read it from there).
    const session = getSession();
    if (session) setSession({ ...session, user: { ...session.user, name: payload.user.name } });
  };

  return (
    <section aria-labelledby="profile-heading" className="card">
      <h2 id="profile-heading">Profile</h2>
      <dl>
        <dt>Email</dt>
        <dd>{me.email}</dd>
        <dt>Customer since</dt>
        <dd>
          <time dateTime={me.createdAt}>{formatDate(me.createdAt)}</time>
        </dd>
      </dl>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            name="name"
            autoComplete="name"
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <Problem message={problem} />
        <button type="submit" className="button" disabled={fetching}>
          Save name
        </button>
      </form>
      <Status message={saved} />
    </section>
  );
}

function AddressesSection({
  addresses,
  onChanged,
}: {
  addresses: readonly AddressFieldsFragment[];
  onChanged: () => void;
}) {
  const id = useId();
  const [{ fetching: adding }, addAddress] = useMutation(AddAddressDocument);
  const [, removeAddress] = useMutation(RemoveAddressDocument);
  const [removing, setRemoving] = useState<string | null>(null);
  const [addProblem, setAddProblem] = useState<string | null>(null);
  const [removeProblem, setRemoveProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const remove = async (address: AddressFieldsFragment) => {
    setRemoving(address.id);
    setDone(null);
    const result = await removeAddress({ id: address.id });
    const payload = result.data?.removeAddress;
    const refused = problemOf(payload?.userErrors, result.error);
    setRemoveProblem(refused);
    setRemoving(null);
    if (refused) return;
    setDone("The address is removed.");
    onChanged();
  };

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Read before the await: React clears currentTarget once the handler returns.
    const form = event.currentTarget;
    const fields = new FormData(form);
    const text = (key: string) => String(fields.get(key) ?? "").trim();
    setDone(null);
    const result = await addAddress({
      input: {
        line1: text("line1"),
        line2: text("line2") || null,
        city: text("city"),
        postalCode: text("postalCode"),
        country: text("country").toUpperCase(),
        isDefault: fields.get("isDefault") === "on",
      },
    });
    const payload = result.data?.addAddress;
    const refused = problemOf(payload?.userErrors, result.error);
    setAddProblem(refused);
    if (refused || !payload?.address) return;
    form.reset();
    setDone("The address is added.");
    onChanged();
  };

  return (
    <section aria-labelledby="addresses-heading" className="card">
      <h2 id="addresses-heading">Addresses</h2>
      {addresses.length === 0 ? (
        <p className="muted">You have no saved addresses yet.</p>
      ) : (
        <ul className="stack">
          {addresses.map((address) => (
            <li key={address.id}>
              <address>
                {address.line1}
                <br />
                {address.line2 && (
                  <>
                    {address.line2}
                    <br />
                  </>
                )}
                {address.postalCode} {address.city}, {address.country}
              </address>
              {address.isDefault && <span className="status-badge">Default</span>}
              <button
                type="button"
                className="button-secondary"
                disabled={removing === address.id}
                onClick={() => remove(address)}
              >
                Remove
                <span className="visually-hidden">
                  {" "}
                  {address.line1}, {address.city}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <Problem message={removeProblem} />

      <h3>Add an address</h3>
      <form className="form" onSubmit={add}>
        <div className="field">
          <label htmlFor={`${id}-line1`}>Address line 1</label>
          <input id={`${id}-line1`} name="line1" autoComplete="address-line1" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-line2`}>Address line 2 (optional)</label>
          <input id={`${id}-line2`} name="line2" autoComplete="address-line2" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-city`}>City</label>
          <input id={`${id}-city`} name="city" autoComplete="address-level2" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-postal`}>Postal code</label>
          <input id={`${id}-postal`} name="postalCode" autoComplete="postal-code" required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-country`}>Country code</label>
          <input
            id={`${id}-country`}
            name="country"
            autoComplete="country"
            required
            minLength={2}
            maxLength={2}
            pattern="[A-Za-z]{2}"
            aria-describedby={`${id}-country-hint`}
          />
          <p id={`${id}-country-hint`} className="muted">
            Two letters, e.g. US, GB or DE.
          </p>
        </div>
        <div className="field">
          <label>
            <input type="checkbox" name="isDefault" /> Make this my default address
          </label>
        </div>
        <Problem message={addProblem} />
        <button type="submit" className="button" disabled={adding}>
          Add address
        </button>
      </form>
      <Status message={done} />
    </section>
  );
}

function NotificationsSection() {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MyNotificationsDocument, variables: { first: 10 } });
  const [{ fetching: marking }, markAllRead] = useMutation(MarkAllNotificationsReadDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const me = data?.me;

  const markAll = async () => {
    const result = await markAllRead({});
    const payload = result.data?.markAllNotificationsRead;
    setProblem(problemOf(payload?.userErrors, result.error));
    reexecute({ requestPolicy: "network-only" });
  };

  return (
    <section aria-labelledby="notifications-heading" className="card">
      <h2 id="notifications-heading">Notifications</h2>
      {fetching && !data && <p className="loading">Loading…</p>}
      <Problem message={problemOf(undefined, error)} />
      {me && (
        <>
          <p role="status" className="muted">
            {me.unreadNotificationCount === 0 ? "All read." : `${me.unreadNotificationCount} unread.`}
          </p>
          {me.notifications.nodes.length === 0 ? (
            <p className="muted">No notifications yet.</p>
          ) : (
            <ul className="stack">
              {me.notifications.nodes.map((notification) => (
                <li key={notification.id} data-read={notification.read}>
                  <p>
                    {!notification.read && <span className="status-badge">Unread</span>}{" "}
                    <strong>{notification.title}</strong>{" "}
                    <time className="muted" dateTime={notification.createdAt}>
                      {formatDate(notification.createdAt)}
                    </time>
                  </p>
                  <p>{notification.body}</p>
                  {notification.order && (
                    <p>
                      <Link to={`/orders/${notification.order.id}`}>View order {notification.order.number}</Link>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
          <Problem message={problem} />
          <button
            type="button"
            className="button-secondary"
            disabled={marking || me.unreadNotificationCount === 0}
            onClick={markAll}
          >
            Mark all read
          </button>
        </>
      )}
      <NotificationPreferences />
    </section>
  );
}

const KINDS: Record<NotificationKind, { label: string; hint: string }> = {
  ORDER_UPDATES: { label: "Order updates", hint: "Placed, paid, shipped, cancelled and refunded orders." },
  WISHLIST_ALERTS: { label: "Wishlist alerts", hint: "Price drops and restocks of products on your wishlist." },
  MARKETING: { label: "Offers and news", hint: "Off until you switch it on." },
};

const CHANNELS: Record<NotificationChannel, string> = { EMAIL: "By email", IN_APP: "In the shop" };

function NotificationPreferences() {
  const [{ data, fetching, error }] = useQuery({ query: MyNotificationPreferencesDocument });
  const preferences = data?.me?.notificationPreferences;
  return (
    <>
      <h3>Preferences</h3>
      {fetching && !data && <p className="loading">Loading…</p>}
      <Problem message={problemOf(undefined, error)} />
      {preferences && <PreferencesForm initial={preferences} />}
    </>
  );
}

function PreferencesForm({ initial }: { initial: readonly NotificationPreferenceFieldsFragment[] }) {
  const [preferences, setPreferences] = useState(initial);
  const [{ fetching }, updatePreferences] = useMutation(UpdateNotificationPreferencesDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const kinds = [...new Set(preferences.map((preference) => preference.kind))];

  const toggle = (changed: NotificationPreferenceFieldsFragment) => {
    setSaved(null);
    setPreferences((current) =>
      current.map((preference) =>
        preference === changed ? { ...preference, enabled: !preference.enabled } : preference,
      ),
    );
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(null);
    const result = await updatePreferences({
      preferences: preferences.map(({ kind, channel, enabled }) => ({ kind, channel, enabled })),
    });
    const payload = result.data?.updateNotificationPreferences;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused);
    if (refused || !payload?.notificationPreferences) return;
    // The payload has every preference as now stored: it is what the form shows from here on.
    setPreferences(payload.notificationPreferences);
    setSaved("Your preferences are saved.");
  };

  return (
    <form className="form" onSubmit={submit}>
      {kinds.map((kind) => (
        <fieldset key={kind}>
          <legend>{KINDS[kind]?.label ?? kind}</legend>
          {KINDS[kind] && <p className="muted">{KINDS[kind].hint}</p>}
          {preferences
            .filter((preference) => preference.kind === kind)
            .map((preference) => (
              <label key={preference.channel}>
                <input type="checkbox" checked={preference.enabled} onChange={() => toggle(preference)} />{" "}
                {CHANNELS[preference.channel] ?? preference.channel}
              </label>
            ))}
        </fieldset>
      ))}
      <Problem message={problem} />
      <button type="submit" className="button" disabled={fetching}>
        Save preferences
      </button>
      <Status message={saved} />
    </form>
  );
}

function WishlistSection() {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MyWishlistDocument, variables: { first: 50 } });
  const [, removeFromWishlist] = useMutation(RemoveFromWishlistDocument);
  const [removing, setRemoving] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const wishlist = data?.me?.wishlist;

  const remove = async (item: WishlistItemFieldsFragment) => {
    setRemoving(item.id);
    setDone(null);
    // An item is for one variant or for the whole product: it is removed by the same key.
    const result = await removeFromWishlist(
      item.variant ? { variantId: item.variant.id } : { productId: item.product.id },
    );
    const payload = result.data?.removeFromWishlist;
    const refused = problemOf(payload?.userErrors, result.error);
    setProblem(refused);
    setRemoving(null);
    if (refused) return;
    setDone(`${item.product.name} is removed from your wishlist.`);
    reexecute({ requestPolicy: "network-only" });
  };

  return (
    <section aria-labelledby="wishlist-heading" className="card">
      <h2 id="wishlist-heading">Wishlist</h2>
      {fetching && !data && <p className="loading">Loading…</p>}
      <Problem message={problemOf(undefined, error)} />
      {wishlist && wishlist.nodes.length === 0 && (
        <p className="muted">Your wishlist is empty. Add products from their pages to hear of price drops.</p>
      )}
      {wishlist && wishlist.nodes.length > 0 && (
        <ul className="stack">
          {wishlist.nodes.map((item) => {
            const { min, max } = item.product.priceRange;
            const price = item.variant
              ? formatMoney(item.variant.price)
              : min.amount === max.amount
                ? formatMoney(min)
                : `${formatMoney(min)} – ${formatMoney(max)}`;
            const inStock = item.variant ? item.variant.inStock : item.product.inStock;
            return (
              <li key={item.id}>
                <Link to={`/p/${item.product.slug}`}>{item.product.name}</Link>
                {item.variant && <span className="muted"> {item.variant.title}</span>} <span>{price}</span>{" "}
                {!inStock && <span className="status-badge">Sold out</span>}{" "}
                <button
                  type="button"
                  className="button-secondary"
                  disabled={removing === item.id}
                  onClick={() => remove(item)}
                >
                  Remove<span className="visually-hidden"> {item.product.name} from your wishlist</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {wishlist?.pageInfo.hasNextPage && (
        <p className="muted">
          Showing {wishlist.nodes.length} of {wishlist.totalCount} items.
        </p>
      )}
      <Problem message={problem} />
      <Status message={done} />
    </section>
  );
}
