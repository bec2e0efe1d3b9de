import { ProductListingDocument, type ProductFilter, type ProductSort } from "@cartograph/client/documents";
import { useId, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { ProductGrid } from "./product-card";

/** The sort choices a shopper sees, by the value kept in the URL (`?sort=`). */
const SORTS: Record<string, { label: string; sort?: ProductSort }> = {
  relevance: { label: "Best match", sort: { field: "RELEVANCE", direction: "DESC" } },
  newest: { label: "Newest", sort: { field: "CREATED_AT", direction: "DESC" } },
  "price-asc": { label: "Price, low to high", sort: { field: "PRICE", direction: "ASC" } },
  "price-desc": { label: "Price, high to low", sort: { field: "PRICE", direction: "DESC" } },
  name: { label: "Name", sort: { field: "NAME", direction: "ASC" } },
};

const PAGE_SIZE = 24;

/**
 * A listing with its facets and sorting, for a category or a search. The chosen brands and sort
 * live in the URL (`?brand=…&sort=…`), so a filtered page can be shared and the back button works.
 */
export function ProductBrowser({ filter, label }: { filter: ProductFilter; label: string }) {
  const [params, setParams] = useSearchParams();
  const brands = params.getAll("brand");
  const sortKey = params.get("sort") ?? (filter.search ? "relevance" : "newest");
  const [first, setFirst] = useState(PAGE_SIZE);
  const id = useId();

  const [{ data, fetching, error }] = useQuery({
    query: ProductListingDocument,
    variables: {
      first,
      filter: { ...filter, ...(brands.length > 0 ? { brands } : {}) },
      sort: SORTS[sortKey]?.sort,
    },
  });
  // While a new filter loads, the last results stay on screen (and the facets under the pointer).
  const shown = useRef(data);
  if (data) shown.current = data;
  const products = (data ?? shown.current)?.products;
  const brandFacet = products?.facets.find((facet) => facet.field === "brand");

  const update = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    setFirst(PAGE_SIZE);
    setParams(next, { replace: true });
  };
  const toggleBrand = (brand: string) =>
    update((next) => {
      const chosen = new Set(next.getAll("brand"));
      if (chosen.has(brand)) chosen.delete(brand);
      else chosen.add(brand);
      next.delete("brand");
      for (const value of chosen) next.append("brand", value);
    });

  return (
    <div className="browser">
      <aside className="facets" aria-label="Filters">
        {brandFacet && brandFacet.values.length > 0 && (
          <fieldset>
            <legend>Brand</legend>
            {brandFacet.values.map((value) => (
              <label key={value.value} className="facet-value">
                <input
                  type="checkbox"
                  checked={brands.includes(value.value)}
                  onChange={() => toggleBrand(value.value)}
                />
                {value.label} <span className="muted">({value.count})</span>
              </label>
            ))}
          </fieldset>
        )}
      </aside>
      <div className="results">
        <div className="results-bar">
          <p role="status" className="muted">
            {products
              ? `${products.totalCount} product${products.totalCount === 1 ? "" : "s"}`
              : fetching
                ? "Loading…"
                : ""}
          </p>
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select
            id={`${id}-sort`}
            value={sortKey}
            onChange={(event) => update((next) => next.set("sort", event.target.value))}
          >
            {Object.entries(SORTS)
              .filter(([key]) => key !== "relevance" || filter.search)
              .map(([key, choice]) => (
                <option key={key} value={key}>
                  {choice.label}
                </option>
              ))}
          </select>
        </div>
        {error && (
          <p role="alert" className="error">
            The products could not be loaded. Try again in a moment.
          </p>
        )}
        {products && products.nodes.length === 0 && <p>Nothing matches. Try fewer filters.</p>}
        {products && <ProductGrid products={products.nodes} label={label} />}
        {products?.pageInfo.hasNextPage && (
          <button
            type="button"
            className="button-secondary"
            disabled={fetching}
            onClick={() => setFirst(first + PAGE_SIZE)}
          >
            Show more
          </button>
        )}
      </div>
    </div>
  );
}
