import { rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { DataRequestReplyRow } from "../db/schema";
import type { DataRequestRepository } from "./data-request.repository";

export type DataRequestAnswerRow = Omit<DataRequestReplyRow, "data">;

export interface DataRequestLoaders {
  answersByRequestId: DataLoader<string, DataRequestAnswerRow[]>;
}

/** Per request: one query for the answers of every data request on a page. */
export function createDataRequestLoaders(requests: DataRequestRepository): DataRequestLoaders {
  return {
    answersByRequestId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await requests.repliesOf(ids), (row) => row.requestId),
    ),
  };
}
