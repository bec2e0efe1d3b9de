import { CategoryPageDocument } from "@cartograph/client/documents";
import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { ProductBrowser } from "../components/product-browser";

/** A category: its place in the tree, its subcategories, and its products with facets. */
export default function CategoryPage() {
  const { slug = "" } = useParams();
  const [{ data, fetching }] = useQuery({ query: CategoryPageDocument, variables: { slug, first: 1 } });
  const category = data?.category;
  if (fetching && !data) return <p className="loading">Loading…</p>;
  if (!category)
    return (
      <div className="page">
        <h1>No such category</h1>
        <p>
          <Link to="/">Back to the shop</Link>
        </p>
      </div>
    );
  return (
    <div className="page">
      {category.parent && (
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to={`/c/${category.parent.slug}`}>{category.parent.name}</Link>
        </nav>
      )}
      <h1>{category.name}</h1>
      {category.children.length > 0 && (
        <ul className="chips" aria-label="Subcategories">
          {category.children.map((child) => (
            <li key={child.id}>
              <Link to={`/c/${child.slug}`}>{child.name}</Link>
            </li>
          ))}
        </ul>
      )}
      <ProductBrowser key={category.id} filter={{ categoryId: category.id }} label={`${category.name} products`} />
    </div>
  );
}
