import { useSearchParams } from "react-router-dom";
import { ProductBrowser } from "../components/product-browser";

/** Full-text search results (`?q=`), with the same facets and sorting as a category. */
export default function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  return (
    <div className="page">
      <h1>{q ? `Results for “${q}”` : "Search"}</h1>
      {q ? (
        <ProductBrowser key={q} filter={{ search: q }} label="Search results" />
      ) : (
        <p>Type what you are looking for above.</p>
      )}
    </div>
  );
}
