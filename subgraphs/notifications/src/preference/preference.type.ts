import { UserError } from "@cartograph/service-kit/graphql";
import { Field, InputType, ObjectType, registerEnumType } from "type-graphql";

export enum NotificationKind {
  ORDER_UPDATES = "ORDER_UPDATES",
  WISHLIST_ALERTS = "WISHLIST_ALERTS",
  MARKETING = "MARKETING",
}
registerEnumType(NotificationKind, {
  name: "NotificationKind",
  description: "What a customer can switch on or off, per channel.",
  valuesConfig: {
    ORDER_UPDATES: { description: "Placed, paid, shipped, cancelled and refunded orders. On by default." },
    WISHLIST_ALERTS: { description: "Price drops and restocks of wishlisted products. On by default." },
    MARKETING: { description: "Offers and news. Off until the customer opts in." },
  },
});

export enum NotificationChannel {
  EMAIL = "EMAIL",
  IN_APP = "IN_APP",
}
registerEnumType(NotificationChannel, {
  name: "NotificationChannel",
  description: "Where a notification is delivered.",
});

@ObjectType({ description: "Whether one kind of notification goes out on one channel." })
export class NotificationPreference {
  @Field(() => NotificationKind) kind!: NotificationKind;
  @Field(() => NotificationChannel) channel!: NotificationChannel;
  @Field(() => Boolean) enabled!: boolean;
}

@InputType()
export class NotificationPreferenceInput {
  @Field(() => NotificationKind) kind!: NotificationKind;
  @Field(() => NotificationChannel) channel!: NotificationChannel;
  @Field(() => Boolean) enabled!: boolean;
}

@ObjectType()
export class NotificationPreferencesPayload {
  @Field(() => [NotificationPreference], {
    nullable: true,
    description: "Every kind on every channel, after the change.",
  })
  notificationPreferences!: NotificationPreference[] | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class UnsubscribePayload {
  @Field(() => NotificationPreference, { nullable: true, description: "The preference the link switched off." })
  notificationPreference!: NotificationPreference | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}
