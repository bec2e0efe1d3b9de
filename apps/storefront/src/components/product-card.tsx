import type { ProductCardFragment } from "@cartograph/client/documents";
import { Link } from "react-router-dom";
import { formatMoney } from "../money";
import { ProductImage } from "./product-image";

/** A product in a grid: picture, name, brand and price (a range when its variants differ). */
export function ProductCard({ product }: { product: ProductCardFragment }) {
  const { min, max } = product.priceRange;
  return (
    <li className="product-card">
      <Link to={`/p/${product.slug}`}>
        {/* The name follows as text, so the picture is decoration here. */}
        <ProductImage image={product.images[0]} name={product.name} decorative width={320} height={240} />
        <span className="product-name">{product.name}</span>
      </Link>
      {product.brand && <span className="muted">{product.brand}</span>}
      <span className="price">
        {min.amount === max.amount ? formatMoney(min) : `${formatMoney(min)} – ${formatMoney(max)}`}
      </span>
      {!product.inStock && <span className="status-badge">Sold out</span>}
    </li>
  );
}

export function ProductGrid({ products, label }: { products: readonly ProductCardFragment[]; label: string }) {
  return (
    <ul className="product-grid" aria-label={label}>
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </ul>
  );
}
