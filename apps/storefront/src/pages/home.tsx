import { RecommendedForMeDocument, TrendingProductsDocument } from "@cartograph/client/documents";
import { useQuery } from "urql";
import { ProductGrid } from "../components/product-card";
import { useSession } from "../session";

/** Trending this week for everyone; recommended for you once signed in. */
export default function HomePage() {
  const session = useSession();
  const [trending] = useQuery({ query: TrendingProductsDocument, variables: { first: 8, days: 7 } });
  const [recommended] = useQuery({ query: RecommendedForMeDocument, variables: { first: 8 }, pause: !session });
  const forYou = recommended.data?.me?.recommendedProducts ?? [];
  return (
    <div className="page">
      <h1>Welcome to Cartograph</h1>
      {session && forYou.length > 0 && (
        <section aria-labelledby="recommended">
          <h2 id="recommended">Recommended for you</h2>
          <ProductGrid products={forYou} label="Recommended for you" />
        </section>
      )}
      <section aria-labelledby="trending">
        <h2 id="trending">Trending this week</h2>
        {trending.error && (
          <p role="alert" className="error">
            Trending products could not be loaded.
          </p>
        )}
        {trending.data && (trending.data.trendingProducts ?? []).length === 0 && <p>Nothing is trending yet.</p>}
        {trending.data?.trendingProducts && (
          <ProductGrid products={trending.data.trendingProducts} label="Trending this week" />
        )}
      </section>
    </div>
  );
}
