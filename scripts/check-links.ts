/**
 * `pnpm check:links`: every relative link in README.md and docs/*.md points at a file or folder
 * inside the repository (and a `#heading` in a Markdown file at a heading it has), so a fresh
 * clone's documentation never sends a reader outside it. Exits 1 naming each broken link.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "..");
/** Fenced code blocks (three backticks, written \x60 here) hold examples, not links. */
const CODE_BLOCKS = /\x60{3}[\s\S]*?\x60{3}/g;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[\x60*_]/g, "")
    .replace(/[^\p{Letter}\p{Number} -]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(CODE_BLOCKS, "");
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => headingAnchor(match[1]!)));
}

/** The broken links of one Markdown file, as "file: link (why)". */
export function brokenLinks(file: string): string[] {
  const markdown = readFileSync(file, "utf8").replace(CODE_BLOCKS, "");
  const problems: string[] = [];
  for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (!target || /^(https?:|mailto:)/.test(target)) continue;
    const [filePart, anchor] = target.split("#") as [string, string | undefined];
    const resolved = filePart ? path.resolve(path.dirname(file), filePart) : file;
    const where = `${path.relative(repoRoot, file)}: ${target}`;
    if (!resolved.startsWith(repoRoot + path.sep) && resolved !== repoRoot) {
      problems.push(`${where} (outside the repository)`);
    } else if (!existsSync(resolved)) {
      problems.push(`${where} (no such file)`);
    } else if (anchor && statSync(resolved).isFile() && resolved.endsWith(".md")) {
      if (!anchorsOf(readFileSync(resolved, "utf8")).has(anchor)) problems.push(`${where} (no such heading)`);
    }
  }
  return problems;
}

function main(): void {
  const docs = path.join(repoRoot, "docs");
  const files = [
    path.join(repoRoot, "README.md"),
    ...(existsSync(docs) ? readdirSync(docs).filter((name) => name.endsWith(".md")) : []).map((name) =>
      path.join(docs, name),
    ),
  ];
  const problems = files.flatMap(brokenLinks);
  for (const problem of problems) process.stderr.write(`broken link: ${problem}\n`);
  if (problems.length > 0) process.exit(1);
  process.stdout.write(`links: ${files.length} files, every relative link resolves inside the repository\n`);
}

if (require.main === module) main();
