"""A self-contained HTML page from the report's Markdown: the small subset the report writes
(headings, paragraphs, lists, pipe tables, code blocks, images, inline code and emphasis),
with every linked figure embedded (SVG inline, PNG/JPEG as data URIs), so one file carries the
whole report. Any writer of a report.md (batch, sweep, exploration) can call
:func:`write_html` beside it."""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from ..files import write_text

__all__ = ["markdown_to_html", "write_html"]

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.25rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}div.wide{overflow-x:auto}
th,td{border:1px solid #d4d4d4;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3}td.r{text-align:right;font-variant-numeric:tabular-nums}
td.c{text-align:center}code{background:#f4f4f4;padding:0 .2rem;border-radius:3px;font-size:.9em}
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}figure{margin:1rem 0}
figure svg,figure img{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#444}
p.verdict{font-size:1.05rem;background:#f5f9ff;border-left:4px solid #1f77b4;padding:.6rem .8rem}
"""

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")


def _inline(text: str) -> str:
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for p in parts:
        if p.startswith("`") and p.endswith("`") and len(p) > 1:
            out.append(f"<code>{escape(p[1:-1])}</code>")
            continue
        s = escape(p)
        s = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", s)
        s = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", s)
        s = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"<a href='\2'>\1</a>", s)
        out.append(s)
    return "".join(out)


def _cells(line: str) -> list[str]:
    body = line.strip().strip("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def _figure(src: str, alt: str, base: Path) -> str:
    path = base / src
    if src.startswith(("http:", "https:", "/")) or not path.is_file():
        return f"<p>(figure not found: {escape(src)})</p>"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        svg = path.read_text(encoding="utf-8")
        svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
        svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
        return f"<figure data-src='{escape(src)}'>{svg}"
    mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}.get(suffix)
    if mime is None:
        return f"<p><a href='{escape(src)}'>{escape(alt or src)}</a></p>"
    data = base64.b64encode(path.read_bytes()).decode()
    return (f"<figure data-src='{escape(src)}'><img alt='{escape(alt)}' "
            f"src='data:{mime};base64,{data}'>")


def markdown_to_html(md: str, base: Path, title: str = "cio-sim report") -> str:
    """A whole HTML page from ``md``; images are read relative to ``base`` and embedded. The
    first paragraph after the title gets the class ``verdict``."""
    lines = md.splitlines()
    html: list[str] = []
    i, seen_para, open_figure = 0, False, False
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("```"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            html.append("<pre><code>" + escape("\n".join(lines[i + 1:j])) + "</code></pre>")
            i = j + 1
            continue
        m = re.match(r"^(#{1,4}) (.*)$", line)
        if m:
            n = len(m.group(1))
            slug = re.sub(r"[^a-z0-9]+", "-", m.group(2).lower()).strip("-")
            html.append(f"<h{n} id='{slug}'>{_inline(m.group(2))}</h{n}>")
            i += 1
            continue
        img = _IMAGE.match(line.strip())
        if img:
            html.append(_figure(img.group(2), img.group(1), base))
            open_figure = html[-1].startswith("<figure")
            i += 1
            if open_figure:
                # the caption paragraph that follows belongs to the figure
                while i < len(lines) and not lines[i].strip():
                    i += 1
                if i < len(lines) and lines[i].startswith("*"):
                    html.append(f"<figcaption>{_inline(lines[i])}</figcaption>")
                    i += 1
                html.append("</figure>")
            continue
        if line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(lines[i])
                i += 1
            head = _cells(rows[0])
            align = [("r" if c.strip().endswith(":") and not c.strip().startswith(":")
                      else "c" if c.strip().startswith(":") and c.strip().endswith(":") else "")
                     for c in _cells(rows[1])] if len(rows) > 1 else []
            out = ["<div class='wide'><table><thead><tr>"
                   + "".join(f"<th>{_inline(h)}</th>" for h in head) + "</tr></thead><tbody>"]
            for r in rows[2:]:
                cells = _cells(r)
                out.append("<tr>" + "".join(
                    f"<td class='{align[k] if k < len(align) else ''}'>{_inline(c)}</td>"
                    for k, c in enumerate(cells)) + "</tr>")
            html.append("".join(out) + "</tbody></table></div>")
            continue
        if re.match(r"^\s*[-*] ", line) and not line.startswith("*"):
            items = []
            while i < len(lines) and re.match(r"^\s*[-*] ", lines[i]):
                items.append(f"<li>{_inline(lines[i].lstrip()[2:])}</li>")
                i += 1
            html.append("<ul>" + "".join(items) + "</ul>")
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("#", "|", "```")) \
                and not _IMAGE.match(lines[i].strip()):
            para.append(lines[i])
            i += 1
        cls = "" if seen_para else " class='verdict'"
        seen_para = True
        html.append(f"<p{cls}>{_inline(' '.join(para))}</p>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>\n"
            + "\n".join(html) + "\n</body></html>\n")


def write_html(markdown_path: str | Path, title: str | None = None) -> Path:
    """``report.html`` beside ``markdown_path``, with every figure it links embedded."""
    md_path = Path(markdown_path)
    md = md_path.read_text(encoding="utf-8")
    if title is None:
        first = next((ln[2:] for ln in md.splitlines() if ln.startswith("# ")), "cio-sim report")
        title = first.replace("`", "")
    out = md_path.with_suffix(".html")
    return write_text(out, markdown_to_html(md, md_path.parent, title))
