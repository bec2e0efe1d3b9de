import { rowsByKey, rowsGroupedByKey } from "./loaders";

describe("lining rows up with DataLoader keys", () => {
  const rows = [
    { id: "b", owner: "x" },
    { id: "a", owner: "y" },
    { id: "c", owner: "x" },
  ];

  it("gives one row or null per key, in the keys' order", () => {
    expect(rowsByKey(["a", "missing", "b"], rows, (row) => row.id)).toEqual([rows[1], null, rows[0]]);
  });

  it("gives every row of each key, empty for keys without rows", () => {
    expect(rowsGroupedByKey(["x", "z", "y"], rows, (row) => row.owner)).toEqual([[rows[0], rows[2]], [], [rows[1]]]);
  });
});
