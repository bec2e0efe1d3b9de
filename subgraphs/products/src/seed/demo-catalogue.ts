/**
 * The demo catalogue: a three-level category tree and products generated deterministically
 * from it (same input, same catalogue), so the demo stays stable from run to run.
 */
export interface LeafCategory {
  name: string;
  nouns: string[];
  /** Lowest and highest base price in whole currency units. */
  price: [number, number];
  tags: string[];
  options: Array<{ name: string; values: string[] }>;
}

export interface CategoryTree {
  name: string;
  brands: string[];
  children: Array<{ name: string; children: LeafCategory[] }>;
}

const colors = { name: "Color", values: ["Black", "White", "Oak", "Walnut", "Grey", "Navy"] };
const sizes = { name: "Size", values: ["S", "M", "L", "XL"] };

export const demoCategoryTree: CategoryTree[] = [
  {
    name: "Furniture",
    brands: ["Nordhaus", "Oakline", "Studio Forma", "Sitwell"],
    children: [
      {
        name: "Chairs",
        children: [
          {
            name: "Office Chairs",
            nouns: ["Office Chair", "Task Chair", "Desk Chair"],
            price: [89, 649],
            tags: ["ergonomic", "adjustable", "office"],
            options: [colors],
          },
          {
            name: "Dining Chairs",
            nouns: ["Dining Chair", "Side Chair", "Bistro Chair"],
            price: [49, 299],
            tags: ["dining", "wood", "stackable"],
            options: [colors],
          },
        ],
      },
      {
        name: "Desks",
        children: [
          {
            name: "Standing Desks",
            nouns: ["Standing Desk", "Sit-Stand Desk"],
            price: [299, 1199],
            tags: ["ergonomic", "adjustable", "office"],
            options: [colors],
          },
          {
            name: "Writing Desks",
            nouns: ["Writing Desk", "Secretary Desk", "Compact Desk"],
            price: [129, 699],
            tags: ["wood", "home office"],
            options: [colors],
          },
        ],
      },
      {
        name: "Storage",
        children: [
          {
            name: "Bookcases",
            nouns: ["Bookcase", "Shelving Unit", "Ladder Shelf"],
            price: [79, 549],
            tags: ["wood", "living room"],
            options: [colors],
          },
          {
            name: "Cabinets",
            nouns: ["Cabinet", "Sideboard", "Filing Cabinet"],
            price: [119, 899],
            tags: ["storage", "office"],
            options: [colors],
          },
        ],
      },
    ],
  },
  {
    name: "Electronics",
    brands: ["Voltra", "Soundmere", "Pixelcraft", "Keystone"],
    children: [
      {
        name: "Audio",
        children: [
          {
            name: "Headphones",
            nouns: ["Headphones", "Earbuds", "Studio Headphones"],
            price: [29, 449],
            tags: ["wireless", "noise cancelling", "bluetooth"],
            options: [{ name: "Color", values: ["Black", "Silver", "Blue"] }],
          },
          {
            name: "Speakers",
            nouns: ["Speaker", "Soundbar", "Bookshelf Speakers"],
            price: [39, 799],
            tags: ["wireless", "bluetooth", "home audio"],
            options: [{ name: "Color", values: ["Black", "White"] }],
          },
        ],
      },
      {
        name: "Computers",
        children: [
          {
            name: "Laptops",
            nouns: ["Laptop", "Ultrabook", "Notebook"],
            price: [499, 2499],
            tags: ["portable", "work"],
            options: [{ name: "Memory", values: ["8 GB", "16 GB", "32 GB"] }],
          },
          {
            name: "Monitors",
            nouns: ["Monitor", "4K Display", "Ultrawide Monitor"],
            price: [149, 1299],
            tags: ["display", "office"],
            options: [{ name: "Size", values: ["24 in", "27 in", "32 in"] }],
          },
        ],
      },
      {
        name: "Accessories",
        children: [
          {
            name: "Keyboards",
            nouns: ["Keyboard", "Mechanical Keyboard"],
            price: [29, 249],
            tags: ["wireless", "office", "ergonomic"],
            options: [{ name: "Layout", values: ["US", "UK", "DE"] }],
          },
          {
            name: "Mice",
            nouns: ["Mouse", "Trackball", "Vertical Mouse"],
            price: [15, 129],
            tags: ["wireless", "ergonomic"],
            options: [{ name: "Color", values: ["Black", "White"] }],
          },
        ],
      },
    ],
  },
  {
    name: "Kitchen",
    brands: ["Copperleaf", "Ironwood", "Brewster", "Table & Co"],
    children: [
      {
        name: "Cookware",
        children: [
          {
            name: "Pans",
            nouns: ["Frying Pan", "Skillet", "Saute Pan", "Wok"],
            price: [19, 249],
            tags: ["cast iron", "nonstick", "induction"],
            options: [{ name: "Size", values: ["20 cm", "24 cm", "28 cm"] }],
          },
          {
            name: "Pots",
            nouns: ["Stock Pot", "Dutch Oven", "Saucepan"],
            price: [29, 399],
            tags: ["cast iron", "stainless steel", "induction"],
            options: [{ name: "Size", values: ["2 L", "4 L", "6 L"] }],
          },
        ],
      },
      {
        name: "Appliances",
        children: [
          {
            name: "Blenders",
            nouns: ["Blender", "Hand Blender", "Smoothie Maker"],
            price: [29, 499],
            tags: ["electric", "smoothies"],
            options: [{ name: "Color", values: ["Black", "Red", "White"] }],
          },
          {
            name: "Coffee Makers",
            nouns: ["Coffee Maker", "Espresso Machine", "Pour-Over Set", "French Press"],
            price: [19, 1299],
            tags: ["coffee", "electric", "barista"],
            options: [{ name: "Color", values: ["Black", "Steel"] }],
          },
        ],
      },
      {
        name: "Tableware",
        children: [
          {
            name: "Plates",
            nouns: ["Dinner Plate Set", "Side Plates", "Serving Platter"],
            price: [15, 149],
            tags: ["ceramic", "dining", "dishwasher safe"],
            options: [{ name: "Color", values: ["White", "Sand", "Slate"] }],
          },
          {
            name: "Mugs",
            nouns: ["Mug", "Travel Mug", "Espresso Cups"],
            price: [8, 49],
            tags: ["coffee", "ceramic", "dishwasher safe"],
            options: [{ name: "Color", values: ["White", "Black", "Sage"] }],
          },
        ],
      },
    ],
  },
  {
    name: "Outdoor",
    brands: ["Trailmark", "Northpeak", "Greenfold"],
    children: [
      {
        name: "Camping",
        children: [
          {
            name: "Tents",
            nouns: ["Tent", "Backpacking Tent", "Family Tent"],
            price: [79, 899],
            tags: ["waterproof", "lightweight", "camping"],
            options: [{ name: "Capacity", values: ["2 person", "4 person", "6 person"] }],
          },
          {
            name: "Sleeping Bags",
            nouns: ["Sleeping Bag", "Down Sleeping Bag", "Sleeping Quilt"],
            price: [49, 499],
            tags: ["lightweight", "camping", "warm"],
            options: [{ name: "Length", values: ["Regular", "Long"] }],
          },
        ],
      },
      {
        name: "Garden",
        children: [
          {
            name: "Planters",
            nouns: ["Planter", "Raised Bed", "Window Box"],
            price: [19, 299],
            tags: ["garden", "outdoor"],
            options: [{ name: "Size", values: ["Small", "Medium", "Large"] }],
          },
          {
            name: "Garden Tools",
            nouns: ["Pruning Shears", "Garden Trowel", "Hose Reel", "Rake"],
            price: [9, 149],
            tags: ["garden", "tools"],
            options: [],
          },
        ],
      },
    ],
  },
  {
    name: "Apparel",
    brands: ["Loom & Field", "Harbor", "Everwear"],
    children: [
      {
        name: "Men",
        children: [
          {
            name: "Shirts",
            nouns: ["Oxford Shirt", "Linen Shirt", "Flannel Shirt", "T-Shirt"],
            price: [19, 129],
            tags: ["cotton", "casual"],
            options: [sizes],
          },
          {
            name: "Jackets",
            nouns: ["Rain Jacket", "Down Jacket", "Denim Jacket"],
            price: [59, 399],
            tags: ["waterproof", "warm", "outdoor"],
            options: [sizes],
          },
        ],
      },
      {
        name: "Women",
        children: [
          {
            name: "Dresses",
            nouns: ["Wrap Dress", "Shirt Dress", "Midi Dress"],
            price: [39, 249],
            tags: ["cotton", "casual", "summer"],
            options: [sizes],
          },
          {
            name: "Sweaters",
            nouns: ["Wool Sweater", "Cardigan", "Cashmere Sweater"],
            price: [49, 299],
            tags: ["wool", "warm"],
            options: [sizes],
          },
        ],
      },
    ],
  },
];

const adjectives = [
  "Classic",
  "Modern",
  "Compact",
  "Premium",
  "Everyday",
  "Pro",
  "Lightweight",
  "Heritage",
  "Essential",
  "Deluxe",
  "Urban",
  "Nordic",
];
const qualities = [
  "built to last for years of daily use",
  "designed with careful attention to comfort",
  "made from responsibly sourced materials",
  "easy to clean and simple to maintain",
  "backed by a two-year warranty",
  "a favourite of our customers",
];

export interface DemoProduct {
  slug: string;
  name: string;
  description: string;
  brand: string;
  tags: string[];
  variants: Array<{ sku: string; title: string; price: string; options: Array<{ name: string; value: string }> }>;
  images: Array<{ url: string; alt: string }>;
}

/** `count` products for one leaf category, named and priced from the leaf's vocabulary. */
export function demoProducts(
  leaf: LeafCategory,
  brands: string[],
  count: number,
  random: () => number,
  skuPrefix: string,
): DemoProduct[] {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const noun = leaf.nouns[index % leaf.nouns.length]!;
    const adjective = adjectives[(index * 7 + Math.floor(random() * adjectives.length)) % adjectives.length]!;
    const brand = pick(brands);
    const name = `${adjective} ${noun}`;
    const base = leaf.price[0] + Math.floor(random() * (leaf.price[1] - leaf.price[0]));
    const option = leaf.options[0];
    const values = option ? option.values.slice(0, 1 + Math.floor(random() * option.values.length)) : [];
    const sku = `${skuPrefix}-${String(index + 1).padStart(3, "0")}`;
    const variants = (values.length ? values : [null]).map((value, position) => ({
      sku: value ? `${sku}-${value.replace(/[^A-Za-z0-9]/g, "").toUpperCase()}` : sku,
      title: value ?? "Default",
      // Bigger options cost a little more; prices end in .99 like a real shop.
      price: `${base + position * Math.max(1, Math.round(base * 0.1))}.99`,
      options: value && option ? [{ name: option.name, value }] : [],
    }));
    const tags = [...new Set([pick(leaf.tags), pick(leaf.tags), adjective.toLowerCase()])];
    const slug = `${brand}-${name}-${skuPrefix}-${index + 1}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    return {
      slug,
      name: `${brand} ${name}`,
      description: `The ${brand} ${name.toLowerCase()} is ${pick(qualities)}. A ${noun.toLowerCase()} ${pick(qualities)}, in ${values.length || 1} version${values.length > 1 ? "s" : ""}.`,
      brand,
      tags,
      variants,
      images: [{ url: `https://images.cartograph.dev/${slug}.jpg`, alt: `${brand} ${name}` }],
    };
  });
}
