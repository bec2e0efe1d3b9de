import {
  AddReviewDocument,
  AddToWishlistDocument,
  ProductPageDocument,
  type ProductPageQuery,
} from "@cartograph/client/documents";
import { useId, useMemo, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { useCart } from "../cart";
import { ProductGrid } from "../components/product-card";
import { ProductImage } from "../components/product-image";
import { formatMoney } from "../money";
import { useSession } from "../session";
import { problemOf } from "../user-errors";
import { Problem } from "../components/messages";

type Product = NonNullable<ProductPageQuery["product"]>;
type Variant = Product["variants"][number];

/** The option names of a product's variants, each with its values in first-seen order. */
function optionsOf(variants: readonly Variant[]): Map<string, string[]> {
  const options = new Map<string, string[]>();
  for (const variant of variants)
    for (const { name, value } of variant.options) {
      const values = options.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      options.set(name, values);
    }
  return options;
}

export default function ProductPage() {
  const { slug = "" } = useParams();
  const [{ data, fetching, error }, reload] = useQuery({ query: ProductPageDocument, variables: { slug } });
  const product = data?.product;
  if (fetching && !data) return <p className="loading">Loading…</p>;
  if (!product || !product.active)
    return (
      <div className="page">
        <h1>{error ? "This product could not be loaded" : "No such product"}</h1>
        <p>
          <Link to="/">Back to the shop</Link>
        </p>
      </div>
    );
  return (
    <ProductDetails key={product.id} product={product} onReviewed={() => reload({ requestPolicy: "network-only" })} />
  );
}

function ProductDetails({ product, onReviewed }: { product: Product; onReviewed: () => void }) {
  const options = useMemo(() => optionsOf(product.variants), [product.variants]);
  // Start from the first variant in stock, so the page opens on something that can be bought.
  const initial = product.variants.find((variant) => variant.inStock) ?? product.variants[0];
  const [chosen, setChosen] = useState<Record<string, string>>(
    Object.fromEntries(initial?.options.map((option) => [option.name, option.value]) ?? []),
  );
  const variant = product.variants.find((candidate) =>
    candidate.options.every((option) => chosen[option.name] === option.value),
  );
  const id = useId();

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        {product.category && <Link to={`/c/${product.category.slug}`}>{product.category.name}</Link>}
      </nav>
      <div className="product-layout">
        <ProductImage
          image={product.images[0]}
          name={product.name}
          decorative={false}
          className="product-image"
          width={640}
          height={480}
        />
        <div className="stack">
          <h1>{product.name}</h1>
          {product.brand && <p className="muted">{product.brand}</p>}
          {product.rating && product.rating.count > 0 && (
            <p>
              Rated {product.rating.average?.toFixed(1)} out of 5 ({product.rating.count} review
              {product.rating.count === 1 ? "" : "s"})
            </p>
          )}
          <p className="price" aria-live="polite">
            {variant ? formatMoney(variant.price) : "Not available in this combination"}
          </p>
          {[...options].map(([name, values]) => (
            <fieldset key={name} className="options">
              <legend>{name}</legend>
              {values.map((value) => (
                <label key={value} className="option">
                  <input
                    type="radio"
                    name={`${id}-${name}`}
                    value={value}
                    checked={chosen[name] === value}
                    onChange={() => setChosen({ ...chosen, [name]: value })}
                  />
                  {value}
                </label>
              ))}
            </fieldset>
          ))}
          <p className={variant?.inStock ? "in-stock" : "error"}>{variant?.inStock ? "In stock" : "Sold out"}</p>
          {variant && <AddToCart variantId={variant.id} />}
          <WishlistButton productId={product.id} />
          {product.description && <p className="description">{product.description}</p>}
        </div>
      </div>
      {product.frequentlyBoughtTogether && product.frequentlyBoughtTogether.length > 0 && (
        <section aria-labelledby={`${id}-together`}>
          <h2 id={`${id}-together`}>Bought together</h2>
          <ProductGrid products={product.frequentlyBoughtTogether} label="Bought together" />
        </section>
      )}
      <Reviews product={product} onReviewed={onReviewed} />
    </div>
  );
}

function AddToCart({ variantId }: { variantId: string }) {
  const { addLine } = useCart();
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ problem: string | null } | null>(null);
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome({ problem: await addLine(variantId, quantity) });
    setBusy(false);
  };
  return (
    <form className="add-to-cart" onSubmit={submit}>
      <label htmlFor={`${id}-quantity`}>Quantity</label>
      <input
        id={`${id}-quantity`}
        type="number"
        min={1}
        max={99}
        required
        value={quantity}
        onChange={(event) => setQuantity(Number(event.target.value))}
      />
      <button type="submit" className="button" disabled={busy}>
        Add to cart
      </button>
      {outcome?.problem && (
        <p role="alert" className="error">
          {outcome.problem}
        </p>
      )}
      {outcome && !outcome.problem && (
        <p role="status" className="notice">
          Added to your cart. <Link to="/cart">View cart</Link>
        </p>
      )}
    </form>
  );
}

function WishlistButton({ productId }: { productId: string }) {
  const session = useSession();
  const [{ data, error, fetching }, add] = useMutation(AddToWishlistDocument);
  if (!session)
    return (
      <p>
        <Link to="/sign-in">Sign in</Link> to keep it in a wishlist.
      </p>
    );
  const added = data?.addToWishlist.wishlistItem;
  const problem = problemOf(data?.addToWishlist.userErrors, error);
  return (
    <div>
      <button
        type="button"
        className="button-secondary"
        disabled={fetching || !!added}
        onClick={() => add({ productId })}
      >
        {added ? "In your wishlist" : "Add to wishlist"}
      </button>
      <Problem message={problem} />
    </div>
  );
}

function Reviews({ product, onReviewed }: { product: Product; onReviewed: () => void }) {
  const session = useSession();
  const [{ data, error, fetching }, addReview] = useMutation(AddReviewDocument);
  const [rating, setRating] = useState(5);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const id = useId();
  const problem = problemOf(data?.addReview.userErrors, error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await addReview({ input: { productId: product.id, rating, title, body } });
    if (result.data?.addReview.review) {
      setTitle("");
      setBody("");
      onReviewed();
    }
  };
  return (
    <section aria-labelledby={`${id}-reviews`}>
      <h2 id={`${id}-reviews`}>Reviews</h2>
      {(product.reviews?.nodes ?? []).length === 0 && <p>No reviews yet.</p>}
      <ul className="reviews">
        {(product.reviews?.nodes ?? []).map((review) => (
          <li key={review.id} className="card">
            <p>
              <strong>{review.title}</strong> · {review.rating} out of 5
              {review.verifiedPurchase && <span className="status-badge">Verified purchase</span>}
            </p>
            <p>{review.body}</p>
            <p className="muted">
              {review.author?.name ?? "A customer"}, {new Date(review.createdAt).toLocaleDateString("en-US")}
            </p>
          </li>
        ))}
      </ul>
      {session ? (
        <form className="form" onSubmit={submit}>
          <h3>Write a review</h3>
          <div className="field">
            <label htmlFor={`${id}-rating`}>Rating</label>
            <select id={`${id}-rating`} value={rating} onChange={(event) => setRating(Number(event.target.value))}>
              {[5, 4, 3, 2, 1].map((stars) => (
                <option key={stars} value={stars}>
                  {stars} star{stars === 1 ? "" : "s"}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-title`}>Title</label>
            <input
              id={`${id}-title`}
              required
              maxLength={120}
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-body`}>Review</label>
            <textarea
              id={`${id}-body`}
              required
              maxLength={5000}
              value={body}
              onChange={(event) => setBody(event.target.value)}
            />
          </div>
          <button type="submit" className="button" disabled={fetching}>
            Post review
          </button>
          <Problem message={problem} />
          {data?.addReview.review && (
            <p role="status" className="notice">
              Thank you for your review.
            </p>
          )}
        </form>
      ) : (
        <p>
          <Link to="/sign-in">Sign in</Link> to write a review.
        </p>
      )}
    </section>
  );
}
