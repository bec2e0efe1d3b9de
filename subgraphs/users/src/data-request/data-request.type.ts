import { ConnectionType, PageArgs, UserError } from "@cartograph/service-kit/graphql";
import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";

export enum DataRequestKind {
  EXPORT = "EXPORT",
  ERASURE = "ERASURE",
}
registerEnumType(DataRequestKind, {
  name: "DataRequestKind",
  description: "What a customer asked for.",
  valuesConfig: {
    EXPORT: { description: "A copy of everything Cartograph holds about them (`requestMyData`)." },
    ERASURE: { description: "Their account deleted and their data erased everywhere (`deleteMyAccount`)." },
  },
});

export enum DataRequestStatus {
  PENDING = "PENDING",
  READY = "READY",
  EXPIRED = "EXPIRED",
  COMPLETED = "COMPLETED",
}
registerEnumType(DataRequestStatus, {
  name: "DataRequestStatus",
  valuesConfig: {
    PENDING: { description: "Some services have not answered yet (see `awaitingServices`)." },
    READY: { description: "An export every service answered: `document` can be downloaded until `expiresAt`." },
    EXPIRED: { description: "An export past `expiresAt`: its data is deleted; ask again." },
    COMPLETED: { description: "An erasure every service confirmed (see `answers`)." },
  },
});

@ObjectType({ description: "How much of one kind of data a service erased or anonymised." })
export class ErasedCount {
  @Field(() => String, { description: 'What it was, in that service\'s words ("addresses", "ordersAnonymised").' })
  kind!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "One service's answer to a data request: the audit record." })
export class DataRequestAnswer {
  @Field(() => String) service!: string;
  @Field(() => Date) answeredAt!: Date;
  @Field(() => [ErasedCount], {
    nullable: true,
    description: "For an erasure: what the service did. Null for an export.",
  })
  erased!: ErasedCount[] | null;
}

@ObjectType({ description: "A customer's request for their data, or for their account's erasure." })
export class DataRequest {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The customer's id (names nobody once the account is erased)." }) customerId!: string;
  @Field(() => DataRequestKind) kind!: DataRequestKind;
  @Field(() => DataRequestStatus) status!: DataRequestStatus;
  @Field(() => Date) requestedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When the last service answered." }) completedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "An export's download is deleted then." }) expiresAt!: Date | null;
  @Field(() => [DataRequestAnswer], { description: "Every answer so far, by service." }) answers!: DataRequestAnswer[];
  @Field(() => [String], { description: "The services that have not answered yet." }) awaitingServices!: string[];
  @Field(() => String, {
    nullable: true,
    description:
      "(the customer alone) The export as one JSON document, a section per service, while READY. Null otherwise, and for admins.",
  })
  document!: string | null;
}

@ObjectType()
export class DataRequestConnection extends ConnectionType(DataRequest, "DataRequest") {}

@ObjectType()
export class DataRequestPayload {
  @Field(() => DataRequest, { nullable: true }) dataRequest!: DataRequest | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ArgsType()
export class DataRequestPageArgs extends PageArgs {
  @Field(() => DataRequestKind, { nullable: true, description: "Only exports, or only erasures." })
  kind?: DataRequestKind | null;
}
