import { newId } from "@cartograph/service-kit";
import type { NotificationsExecutor } from "../db";
import type { NotificationChannelValue } from "../db/schema";
import { CatalogueRepository } from "../catalogue/catalogue.repository";
import { ErasedCustomerRepository } from "../customer/erased-customer.repository";
import { EmailRepository } from "../email/email.repository";
import { renderEmail, type OrderSummary } from "../email/email.templates";
import { OrderCopyRepository } from "../order/order-copy.repository";
import { PurchaseRepository } from "../order/purchase.repository";
import { PreferenceRepository } from "../preference/preference.repository";
import { effectivePreferences, KIND_OF_TOPIC, signUnsubscribeToken, wants } from "../preference/preference.rules";
import { RecipientRepository } from "../recipient/recipient.repository";
import { announceNotificationAdded } from "./notification.events";
import { NotificationRepository } from "./notification.repository";
import { messageFor, type Message, type NotifyingEvent } from "./notification.rules";

export interface UnsubscribeLinks {
  secret: string;
  ttlDays: number;
  /** The storefront page that takes `?token=`. */
  url: string;
}

/** What an event produced, per channel (for logs and tests). */
export interface Dispatched {
  topic: Message["topic"];
  channels: NotificationChannelValue[];
}

/**
 * Turns events into in-app notifications and queued emails, inside the inbox's transaction: the
 * event is marked processed together with everything it produced, so a redelivery produces
 * nothing. Sending is the email sender's job, later. Wishlist alerts deliver through `deliver` too.
 */
export class DispatchService {
  private readonly recipients: RecipientRepository;
  private readonly orderCopies = new OrderCopyRepository();
  private readonly purchases = new PurchaseRepository();
  private readonly notifications: NotificationRepository;
  private readonly preferences: PreferenceRepository;
  private readonly emails = new EmailRepository();
  private readonly catalogue = new CatalogueRepository();
  private readonly erased = new ErasedCustomerRepository();

  constructor(
    db: NotificationsExecutor,
    private readonly links: UnsubscribeLinks,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.recipients = new RecipientRepository(db);
    this.notifications = new NotificationRepository(db);
    this.preferences = new PreferenceRepository(db);
  }

  async dispatch(tx: NotificationsExecutor, event: NotifyingEvent): Promise<Dispatched | null> {
    // Nothing is kept or sent for a customer who deleted their account, whatever arrives late.
    if (await this.erased.isErased(tx, event.data.userId)) return null;
    if (event.type === "user.registered") await this.recipients.save(tx, event.data);
    if (event.type === "order.placed") {
      await this.orderCopies.save(tx, {
        orderId: event.data.orderId,
        userId: event.data.userId,
        lines: event.data.lines.map((line) => ({ ...line, unitPrice: line.unitPrice.amount })),
        total: event.data.total.amount,
        currencyCode: event.data.total.currencyCode,
        placedAt: new Date(event.occurredAt),
      });
    }
    // Paid, not placed: a placed order may still be cancelled unpaid, and that buys nothing.
    if (event.type === "order.paid") {
      await this.purchases.record(tx, {
        orderId: event.data.orderId,
        userId: event.data.userId,
        productIds: event.data.lines.map((line) => line.productId),
        paidAt: new Date(event.data.paidAt),
      });
    }
    const copy =
      event.type === "user.registered" || event.type === "order.placed" || event.type === "user.data_export_ready"
        ? null
        : await this.orderCopies.find(tx, event.data.orderId);
    const message = messageFor(event, copy);
    if (!message) return null;
    return { topic: message.topic, channels: await this.deliver(tx, event.id, message) };
  }

  /**
   * Delivers one message to its user on the channels their preferences allow: the in-app row
   * (announced for `notificationAdded`) and a queued email. Once per event, topic and user: a
   * second call for the same event writes nothing new. Returns the channels it went to.
   */
  async deliver(tx: NotificationsExecutor, eventId: string, message: Message): Promise<NotificationChannelValue[]> {
    if (await this.erased.isErased(tx, message.userId)) return [];
    const preferences = effectivePreferences(await this.preferences.ofUsers([message.userId], tx));
    const channels: NotificationChannelValue[] = [];
    if (wants(preferences, message.topic, "IN_APP")) {
      const written = await this.notifications.insert(tx, {
        id: newId("ntf"),
        userId: message.userId,
        topic: message.topic,
        title: message.title,
        body: message.body,
        orderId: message.orderId,
        eventId,
      });
      if (written) await announceNotificationAdded(tx, written);
      channels.push("IN_APP");
    }
    if (wants(preferences, message.topic, "EMAIL")) {
      await this.queueEmail(tx, eventId, message);
      channels.push("EMAIL");
    }
    return channels;
  }

  private async queueEmail(tx: NotificationsExecutor, eventId: string, message: Message): Promise<void> {
    const recipient = await this.recipients.find(message.userId, tx);
    const unsubscribeUrl = this.unsubscribeUrl(message);
    const { text, html } = renderEmail({
      recipientName: recipient?.name ?? null,
      heading: message.title,
      paragraphs: message.paragraphs,
      ...(message.order ? { order: await this.labelled(tx, message.order) } : {}),
      unsubscribeUrl,
    });
    await this.emails.enqueue(tx, {
      id: newId("eml"),
      userId: message.userId,
      topic: message.topic,
      eventId,
      subject: message.title,
      textBody: text,
      htmlBody: html,
      unsubscribeUrl,
    });
  }

  /** The order's lines named as the catalogue names them; a variant it has not heard of keeps its id. */
  private async labelled(tx: NotificationsExecutor, order: OrderSummary): Promise<OrderSummary> {
    const variants = await this.catalogue.findByIds(tx, [...new Set(order.lines.map((line) => line.variantId))]);
    const labels = new Map(variants.map((v) => [v.variantId, `${v.productName} - ${v.title} (${v.sku})`]));
    return {
      ...order,
      lines: order.lines.map((line) => {
        const label = labels.get(line.variantId);
        return label ? { ...line, label } : line;
      }),
    };
  }

  private unsubscribeUrl(message: Message): string | null {
    const kind = KIND_OF_TOPIC[message.topic];
    if (!kind) return null;
    const exp = Math.floor(this.now().getTime() / 1000) + this.links.ttlDays * 86_400;
    const url = new URL(this.links.url);
    url.searchParams.set("token", signUnsubscribeToken(this.links.secret, { userId: message.userId, kind, exp }));
    return url.toString();
  }
}
