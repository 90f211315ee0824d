"""Reads feeds with feedparser (Debian's python3-feedparser) and prints what
it made of them as JSON, for feedreaders_test.go."""
import json
import sys

import feedparser

out = []
for url in sys.argv[1:]:
    d = feedparser.parse(url)
    out.append({
        "url": url,
        "bozo": bool(d.bozo),
        "error": str(d.get("bozo_exception", "")),
        "version": d.version,
        "title": d.feed.get("title", ""),
        "self": [l.get("href") for l in d.feed.get("links", []) if l.get("rel") == "self"],
        "entries": [{
            "id": e.get("id", ""),
            "title": e.get("title", ""),
            "published": e.get("published", ""),
            "authors": [a.get("name", "") for a in e.get("authors", [])],
            "link": e.get("link", ""),
            "content": [c.value for c in e.get("content", [])],
        } for e in d.entries],
    })
json.dump(out, sys.stdout)
