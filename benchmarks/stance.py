"""What the comment thread says: stance and comment -> claim links, measured.

    python benchmarks/stance.py [--split test|dev|all] [--json OUT] [--cases OUT]

Reads the project's thread set (``benchmarks/stance_cases/threads.jsonl``: English and
Swedish posts with nested comment threads, each comment labelled with its stance
``agrees`` / ``disputes`` / ``asks`` / ``comments`` and what it answers: an article
sentence ``a<k>``, a parent comment, or nothing). Each thread is rendered as a WordPress
page and read by the loader, so the comment thread, its nesting and its authors come
through the same code as a real page. The article's claims are extracted and filtered by
check-worthiness as ``check`` does, and :func:`sourcecheck.thread.analyse_thread` gives
each comment its stance and target.

Figures, per language and overall:

- stance: accuracy and macro-F1 over the four labels, per-label precision / recall, and a
  position baseline (every comment ``comments``; replies answer their parent);
- links: share of the comments that answer an article sentence whose predicted target is
  a claim overlapping that sentence; share of the comments that answer a comment whose
  predicted target is that comment; and over all comments with a target.

The rules' thresholds are chosen on the ``dev`` threads (``en-01`` .. ``en-04``, ``sv-01``
.. ``sv-03``); the default split is ``test``, the others.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])

from sourcecheck.claims import extract_claims
from sourcecheck.embed import default_embedder
from sourcecheck.load import load_bytes
from sourcecheck.model import Claim, Document, Stance
from sourcecheck.pipeline import _worthy
from sourcecheck.score.registry import shared_scorer
from sourcecheck.stance import stance_model_for
from sourcecheck.thread import comment_languages, decide_stance, stance_features
from sourcecheck.worthiness import default_worthiness

CASES = Path(__file__).resolve().parent / "stance_cases" / "threads.jsonl"
LABELS = ("agrees", "disputes", "asks", "comments")
DEV = {"en-01", "en-02", "en-03", "en-04", "sv-01", "sv-02", "sv-03"}


def read_threads(path: Path = CASES) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def thread_html(thread: dict[str, Any]) -> str:
    """The thread as a WordPress page: the post, then the comments nested in
    ``ol.children`` lists."""
    e = html.escape
    sentences = thread["article"]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    children: dict[str | None, list[dict[str, Any]]] = {}
    for c in thread["comments"]:
        children.setdefault(c.get("parent"), []).append(c)

    def items(parent: str | None) -> str:
        out = []
        for c in children.get(parent, []):
            sub = items(c["id"])
            out.append(
                f'<li id="comment-{e(c["id"])}" class="comment">'
                f'<article class="comment-body"><footer class="comment-meta">'
                f'<div class="comment-author vcard"><b class="fn">{e(c.get("author") or "")}</b>'
                f"</div></footer>"
                f'<div class="comment-content"><p>{e(c["text"])}</p></div></article>'
                + (f'<ol class="children">{sub}</ol>' if sub else "")
                + "</li>"
            )
        return "".join(out)

    body = "".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{e(thread["language"])}"><head><meta charset="utf-8">'
        f"<title>{e(thread['title'])}</title></head><body><main>"
        f'<article class="post"><h1 class="entry-title">{e(thread["title"])}</h1>'
        f'<div class="entry-content">{body}</div></article>'
        f'<section id="comments" class="comments-area"><ol class="comment-list">'
        f"{items(None)}</ol></section></main></body></html>"
    )


def article_claims(doc: Document) -> list[Claim]:
    """The article claims ``check`` would verify: extracted, check-worthy."""
    claims = [c for c in extract_claims(doc, []).claims if c.origin == "article"]
    kept, _ = _worthy(claims, default_worthiness(), default_embedder())
    return kept


def _f1(gold: list[str], pred: list[str]) -> dict[str, Any]:
    per = {}
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {"precision": prec, "recall": rec, "f1": f1, "n": tp + fn}
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    return {"accuracy": acc, "macro_f1": sum(v["f1"] for v in per.values()) / 4, "labels": per}


def evaluate(
    threads: list[dict[str, Any]], model: str, learned: bool = True
) -> tuple[list[dict[str, Any]], float]:
    """Each comment's gold and predicted stance and target. The stance is the learned
    model's where it reads this scorer (``learned``), with the rules' beside it."""
    scorer = shared_scorer(model)
    embedder = default_embedder()
    stance_model = stance_model_for(scorer) if learned else None
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for thread in threads:
        doc = load_bytes(
            thread_html(thread).encode("utf-8"), name=f"{thread['id']}.html", doc_id=thread["id"]
        )
        gold_comments = thread["comments"]
        if len(doc.comments) != len(gold_comments):
            raise SystemExit(
                f"{thread['id']}: the loader found {len(doc.comments)} comments, "
                f"the set has {len(gold_comments)}"
            )
        claims = article_claims(doc)
        # Where each article sentence a<k> sits in the loaded article text.
        spans: dict[str, tuple[int, int]] = {}
        for k, sentence in enumerate(thread["article"], 1):
            at = doc.text.find(sentence)
            if at >= 0:
                spans[f"a{k}"] = (at, at + len(sentence))
        # The page lists replies under their parent, so the loader's order is the page's;
        # its ids are the element ids, "comment-" + the set's id.
        ids = {c.id: c.id.removeprefix("comment-") for c in doc.comments}
        golds = {g["id"]: g for g in gold_comments}
        if set(ids.values()) != set(golds):
            raise SystemExit(f"{thread['id']}: the loader's comment ids are not the set's")
        by_claim = {c.id: c for c in claims}

        def predicted_target(
            st: Stance,
            target: str | None,
            ids: dict[str, str] = ids,
            by_claim: dict[str, Claim] = by_claim,
            spans: dict[str, tuple[int, int]] = spans,
        ) -> str | None:
            if st.target_kind == "comment" and st.target:
                return ids.get(st.target)
            if st.target_kind == "claim" and st.target in by_claim:
                claim = by_claim[st.target]
                hits = [k for k, (a, b) in spans.items() if a < claim.end and claim.start < b]
                # Right when the claim overlaps the sentence the comment answers.
                return target if target in hits else (hits[0] if hits else st.target)
            return None

        # The rules (links and stance), and the learned models (linker and stance) where
        # they read this scorer, each on its own links.
        rule_features = stance_features(claims, doc.comments, scorer, embedder)
        rules = [decide_stance(f) for f in rule_features]
        features, learned = rule_features, rules
        if stance_model is not None:
            features = stance_features(
                claims, doc.comments, scorer, embedder, linker=stance_model.linker
            )
            langs = comment_languages(doc.comments)
            learned = list(
                stance_model.decide(
                    features,
                    [c.text for c in doc.comments],
                    [langs[c.id] for c in doc.comments],
                    embedder,
                )
            )
        for f, st, lst in zip(features, rules, learned, strict=True):
            gold = golds[ids[st.comment]]
            target = gold.get("target")
            rows.append(
                {
                    "thread": thread["id"],
                    "language": thread["language"],
                    "comment": gold["id"],
                    "reply": gold.get("parent") is not None,
                    "gold_stance": gold["stance"],
                    "stance": lst.stance,
                    "rules_stance": st.stance,
                    "gold_target": target,
                    "target": predicted_target(lst, target),
                    "rules_target": predicted_target(st, target),
                    "link": lst.link,
                    "confidence": lst.confidence,
                    "text": gold["text"],
                    "features": asdict(f),
                }
            )
    return rows, time.perf_counter() - started


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"comments": len(rows)}
    out["stance"] = _f1([r["gold_stance"] for r in rows], [r["stance"] for r in rows])
    out["rules_stance"] = _f1([r["gold_stance"] for r in rows], [r["rules_stance"] for r in rows])
    out["baseline_stance"] = _f1([r["gold_stance"] for r in rows], ["comments"] * len(rows))
    to_claim = [r for r in rows if (r["gold_target"] or "").startswith("a")]
    to_comment = [r for r in rows if (r["gold_target"] or "").startswith("c")]
    targeted = to_claim + to_comment

    def share(items: list[dict[str, Any]], key: str = "target") -> float:
        right = sum(bool(r[key] == r["gold_target"]) for r in items)
        return right / max(1, len(items))

    out["link_claim"] = {"n": len(to_claim), "right": share(to_claim)}
    out["link_comment"] = {"n": len(to_comment), "right": share(to_comment)}
    out["link_all"] = {"n": len(targeted), "right": share(targeted)}
    out["rules_link_claim"] = {"n": len(to_claim), "right": share(to_claim, "rules_target")}
    out["rules_link_comment"] = {
        "n": len(to_comment),
        "right": share(to_comment, "rules_target"),
    }
    out["rules_link_all"] = {"n": len(targeted), "right": share(targeted, "rules_target")}
    baseline = [r for r in targeted if (r["reply"] and r["gold_target"].startswith("c"))]
    out["baseline_link_all"] = {"n": len(targeted), "right": len(baseline) / max(1, len(targeted))}
    out["confusion"] = dict(Counter(f"{r['gold_stance']}->{r['stance']}" for r in rows))
    return out


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# Stance and links ({result['split']} threads: {result['threads']}, "
        f"{result['all']['comments']} comments; {result['seconds']:.1f} s; stance by "
        f"{result['stance_by']})",
        "",
        "| part | comments | stance macro-F1 (rules; position baseline) | stance accuracy "
        "(rules) | comment -> claim link (rules) | comment -> comment link (rules) | all "
        "links (rules; position baseline) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in result["by"].items():
        lines.append(
            f"| {name} | {s['comments']} | {100 * s['stance']['macro_f1']:.1f} "
            f"({100 * s['rules_stance']['macro_f1']:.1f}; "
            f"{100 * s['baseline_stance']['macro_f1']:.1f}) | "
            f"{100 * s['stance']['accuracy']:.1f} ({100 * s['rules_stance']['accuracy']:.1f}) | "
            f"{100 * s['link_claim']['right']:.1f} ({100 * s['rules_link_claim']['right']:.1f}; "
            f"n={s['link_claim']['n']}) | "
            f"{100 * s['link_comment']['right']:.1f} "
            f"({100 * s['rules_link_comment']['right']:.1f}; n={s['link_comment']['n']}) | "
            f"{100 * s['link_all']['right']:.1f} ({100 * s['rules_link_all']['right']:.1f}; "
            f"{100 * s['baseline_link_all']['right']:.1f}) |"
        )
    lines += [
        "",
        "| label | precision (rules) | recall (rules) | F1 (rules) | n |",
        "|---|---|---|---|---|",
    ]
    rules = result["all"]["rules_stance"]["labels"]
    for label, v in result["all"]["stance"]["labels"].items():
        r = rules[label]
        lines.append(
            f"| {label} | {100 * v['precision']:.1f} ({100 * r['precision']:.1f}) | "
            f"{100 * v['recall']:.1f} ({100 * r['recall']:.1f}) | "
            f"{100 * v['f1']:.1f} ({100 * r['f1']:.1f}) | {v['n']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["test", "dev", "all"], default="test")
    ap.add_argument("--model", default="verifier")
    ap.add_argument("--rules", action="store_true", help="the rules alone, no learned model")
    ap.add_argument("--json", dest="json_out")
    ap.add_argument("--cases", help="write every comment's outcome here (JSON lines)")
    args = ap.parse_args(argv)
    threads = read_threads()
    if args.split != "all":
        threads = [t for t in threads if (t["id"] in DEV) == (args.split == "dev")]
    rows, seconds = evaluate(threads, args.model, learned=not args.rules)
    overall = summarise(rows)
    model = stance_model_for(shared_scorer(args.model)) if not args.rules else None
    result: dict[str, Any] = {
        "split": args.split,
        "stance_by": model.model_id if model else "the rules (thread-v1)",
        "threads": len(threads),
        "seconds": seconds,
        "all": overall,
        "by": {
            "all": overall,
            **{
                lang: summarise([r for r in rows if r["language"] == lang])
                for lang in sorted({r["language"] for r in rows})
            },
        },
    }
    sys.stdout.write(markdown(result))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.cases:
        with open(args.cases, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
