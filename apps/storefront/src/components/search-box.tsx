import { ProductSuggestionsDocument } from "@cartograph/client/documents";
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from "react";
import { useNavigate } from "react-router-dom";
import { useQuery } from "urql";

/**
 * Search as you type: an ARIA combobox whose listbox offers `productSuggestions` for what is typed
 * (after a short pause, so a fast typist sends one request, not one per key). Arrow keys move
 * through the names, Enter opens the one chosen (or searches for the text), Escape closes.
 */
export function SearchBox() {
  const [text, setText] = useState("");
  const [prefix, setPrefix] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const navigate = useNavigate();
  const id = useId();
  const listId = `${id}-suggestions`;

  useEffect(() => {
    const timer = setTimeout(() => setPrefix(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);

  const [{ data }] = useQuery({ query: ProductSuggestionsDocument, variables: { prefix }, pause: prefix === "" });
  const suggestions = prefix === "" ? [] : (data?.productSuggestions ?? []);
  const expanded = open && suggestions.length > 0;

  const go = (path: string) => {
    setText("");
    setOpen(false);
    setActive(-1);
    navigate(path);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = expanded && active >= 0 ? suggestions[active] : undefined;
    if (chosen) go(`/p/${chosen.slug}`);
    else if (text.trim()) go(`/search?q=${encodeURIComponent(text.trim())}`);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" && suggestions.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((index) => (index + 1) % suggestions.length);
    } else if (event.key === "ArrowUp" && suggestions.length > 0) {
      event.preventDefault();
      setActive((index) => (index <= 0 ? suggestions.length - 1 : index - 1));
    } else if (event.key === "Escape") {
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor={`${id}-input`} className="visually-hidden">
        Search products
      </label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        placeholder="Search products"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      <button type="submit" className="button">
        Search
      </button>
      <ul id={listId} role="listbox" aria-label="Suggestions" className="suggestions" hidden={!expanded}>
        {suggestions.map((product, index) => (
          <li
            key={product.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            className={index === active ? "active" : undefined}
            // mousedown, not click: it comes before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              go(`/p/${product.slug}`);
            }}
          >
            {product.name}
            {product.brand && <span className="muted"> · {product.brand}</span>}
          </li>
        ))}
      </ul>
    </form>
  );
}
