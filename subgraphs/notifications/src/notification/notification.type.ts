import { ConnectionType, PageArgs, UserError } from "@cartograph/service-kit/graphql";
import { ArgsType, Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Order } from "../order/order.stub";

export enum NotificationTopic {
  WELCOME = "WELCOME",
  ORDER_PLACED = "ORDER_PLACED",
  ORDER_PAID = "ORDER_PAID",
  ORDER_SHIPPED = "ORDER_SHIPPED",
  ORDER_CANCELLED = "ORDER_CANCELLED",
  ORDER_REFUNDED = "ORDER_REFUNDED",
  PRICE_DROP = "PRICE_DROP",
  BACK_IN_STOCK = "BACK_IN_STOCK",
  DATA_EXPORT_READY = "DATA_EXPORT_READY",
}
registerEnumType(NotificationTopic, {
  name: "NotificationTopic",
  description: "What a notification is about.",
  valuesConfig: {
    WELCOME: { description: "The account was created (an account message: no preference turns it off)." },
    ORDER_PLACED: { description: "An order was placed (kind ORDER_UPDATES)." },
    ORDER_PAID: { description: "An order was paid and is confirmed (kind ORDER_UPDATES)." },
    ORDER_SHIPPED: { description: "An order was handed to the carrier (kind ORDER_UPDATES)." },
    ORDER_CANCELLED: { description: "An order was cancelled; the body says why (kind ORDER_UPDATES)." },
    ORDER_REFUNDED: { description: "An order was refunded in full (kind ORDER_UPDATES)." },
    PRICE_DROP: {
      description:
        "Something on the customer's wishlist (a variant, or any variant of a product) got cheaper (kind WISHLIST_ALERTS).",
    },
    BACK_IN_STOCK: {
      description: "Something on the customer's wishlist can be bought again after none could (kind WISHLIST_ALERTS).",
    },
    DATA_EXPORT_READY: {
      description:
        "The copy of their data the customer asked for can be downloaded from their account (an account message: no preference turns it off).",
    },
  },
});

@ObjectType({ description: "An in-app message to one customer." })
@Directive('@key(fields: "id")')
export class Notification {
  @Field(() => ID) id!: string;
  @Field(() => NotificationTopic) topic!: NotificationTopic;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => Order, { nullable: true, description: "The order it is about, if any." }) order!: Order | null;
  @Field(() => Boolean) read!: boolean;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType()
export class NotificationConnection extends ConnectionType(Notification, "Notification") {}

@ArgsType()
export class NotificationPageArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: "Only those not yet read. Defaults to false." })
  unreadOnly?: boolean | null;
}

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => Int, { nullable: true, description: "How many were unread and are now read." })
  markedCount!: number | null;
  @Field(() => Int, { nullable: true, description: "What is left unread afterwards." })
  unreadNotificationCount!: number | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
