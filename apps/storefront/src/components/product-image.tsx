import { useState } from "react";

/**
 * A product's picture, or its initial on a tinted square when it has none or the picture does
 * not load (the demo catalogue's image host is fictional), so a grid never shows broken images.
 */
export function ProductImage({
  image,
  name,
  decorative,
  className,
  width,
  height,
}: {
  image: { url: string; alt: string | null } | undefined;
  name: string;
  /** True where the name follows as text (a product card): then the picture says nothing more. */
  decorative: boolean;
  className?: string;
  width: number;
  height: number;
}) {
  const [failed, setFailed] = useState(false);
  if (!image || failed)
    return (
      <span className={`image-placeholder ${className ?? ""}`} aria-hidden="true">
        {name.slice(0, 1)}
      </span>
    );
  return (
    <img
      className={className}
      src={image.url}
      alt={decorative ? "" : (image.alt ?? name)}
      loading="lazy"
      width={width}
      height={height}
      onError={() => setFailed(true)}
    />
  );
}
