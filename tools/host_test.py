#!/usr/bin/env python3
"""Serves the built samples from real Apache and nginx and checks them by HTTP (issue 19).

    python3 tools/host_test.py CERDAS_BINARY TOOLS_DIR WORK_DIR   (tools/host-test.sh runs it)

The sample regency (a copy of content-sample/agam given a redirects.yaml) and the sample
province (content-sample) are each built for, and served by, Apache (the .htaccess cerdas
writes, AllowOverride All) and nginx (the <OUT>.nginx.conf.example cerdas writes beside the
output, its `listen` line changed), at the root of a port and under /sub/path/. Each server
is its own process, with its own configuration, pid and log files in WORK_DIR, bound to
127.0.0.1 on a free high port, and stopped at the end (and by host-test.sh's trap).

Checks: every sitemap URL answers 200; a missing page answers 404 with the site's own
404.html; a news page, a photo and the stylesheet carry the headers the built `_headers`
promises (read from it, so new headers are checked without changing this script), compressed
when asked; a sub-path without its slash and a folder without its slash lead to the slash;
the old addresses of redirects.yaml answer 301 to their page; then headless Chromium
(tools/host_browser_test.mjs) loads the home and a news page from each with no console error
and no CSP violation. Prints the headers each server sent for one page and one photo.
"""

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SUB = "/sub/path"
MAX_URLS = 3000  # per site: the samples have a few hundred
SITE_DEADLINE = 240  # seconds for one site's requests
START_DEADLINE = 20  # seconds for a server to answer
TIMEOUT = 10  # seconds for one request
MISSING = "/tidak-ada-halaman-ini/"
REDIRECTS = [
    ("/2022/08/15/sosialisasi-smart-city-tahap-ii/", "/berita/sosialisasi-smart-city-tahap-ii/"),
    ("/profil/visi-misi.html", "/tentang/"),
    ("/?p=10", "/berita/sosialisasi-smart-city-tahap-ii/"),
]
APACHE_MODULES = [
    "mpm_event", "authz_core", "dir", "mime", "headers", "rewrite", "filter", "deflate",
]

failures = []
children = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_user():
    """The user the servers' workers run as: www-data when started as root."""
    return "www-data" if os.geteuid() == 0 else None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())


def get(port, path, accept_gzip=False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {"Accept-Encoding": "gzip"} if accept_gzip else {}
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        names = {}
        for name, value in r.getheaders():
            names[name.lower()] = value
        return Response(r.status, names, body)
    finally:
        conn.close()


class Server:
    """One Apache or nginx process serving one built site on 127.0.0.1:port."""

    def __init__(self, kind, site, base, work):
        self.kind = kind
        self.site = site  # "kabupaten" or "provinsi"
        self.base = base  # "" or SUB
        self.port = free_port()
        self.dir = work / f"{kind}-{site}-{'sub' if base else 'root'}"
        self.dir.mkdir()
        self.www = self.dir / "www"  # Apache's document root
        # The folder the site is built into: Apache serves it at the base path of its
        # document root; nginx serves it wherever it is (the configuration names it).
        self.out = self.www / base.strip("/") if kind == "apache" and base else self.dir / "public"
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.proc = None

    @property
    def name(self):
        return f"{self.kind} {self.site} {self.base or '/'}"

    def base_url(self):
        return f"http://127.0.0.1:{self.port}{self.base}/"

    def build(self, cerdas, source, cache):
        cmd = [str(cerdas), "build", str(source), "-o", str(self.out), "--base-url",
               self.base_url(), "--cache-dir", str(cache)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            sys.exit(f"FAIL: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")

    def configure(self):
        d = self.dir
        user = run_user()
        if self.kind == "apache":
            (d / "run").mkdir()
            root = self.www if self.base else self.out
            lines = [f'ServerRoot "{d}"', "ServerName 127.0.0.1", f"Listen 127.0.0.1:{self.port}",
                     f'PidFile "{d}/apache.pid"', f'DefaultRuntimeDir "{d}/run"',
                     f'ErrorLog "{d}/error.log"', "LogLevel warn",
                     'LogFormat "%h %t \\"%r\\" %>s %b" common',
                     f'CustomLog "{d}/access.log" common']
            lines += [f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
                      for m in APACHE_MODULES]
            if user:
                lines += [f"User {user}", f"Group {user}"]
            lines += ["StartServers 1", "ServerLimit 2", "ThreadsPerChild 16", "MaxRequestWorkers 32",
                      "TypesConfig /etc/mime.types", f'DocumentRoot "{root}"',
                      "<Directory />", "  AllowOverride None", "  Require all denied", "</Directory>",
                      f'<Directory "{root}">', "  AllowOverride All", "  Require all granted",
                      "</Directory>", '<FilesMatch "^\\.ht">', "  Require all denied", "</FilesMatch>"]
            (d / "httpd.conf").write_text("\n".join(lines) + "\n")
            test = ["/usr/sbin/apache2", "-f", str(d / "httpd.conf"), "-t"]
            self.cmd = ["/usr/sbin/apache2", "-f", str(d / "httpd.conf"), "-DFOREGROUND"]
        else:
            snippet_path = self.out.with_name(self.out.name + ".nginx.conf.example")
            snippet = snippet_path.read_text()
            if snippet.count("listen 80;") != 1:
                sys.exit(f"FAIL: {snippet_path} should hold one `listen 80;` line")
            # The only change a server's owner makes: the address it listens on.
            (d / "site.conf").write_text(
                snippet.replace("listen 80;", f"listen 127.0.0.1:{self.port};"))
            temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
            for t in temps:
                (d / "tmp" / t).mkdir(parents=True)
            conf = [f"pid {d}/nginx.pid;", f"error_log {d}/error.log warn;", "daemon off;",
                    "worker_processes 1;", "events { worker_connections 256; }", "http {",
                    "  include /etc/nginx/mime.types;", "  default_type application/octet-stream;",
                    f"  access_log {d}/access.log;"]
            conf += [f"  {t}_temp_path {d}/tmp/{t};" for t in temps]
            conf += [f"  include {d}/site.conf;", "}"]
            if user:
                conf.insert(0, f"user {user};")
            (d / "nginx.conf").write_text("\n".join(conf) + "\n")
            test = ["/usr/sbin/nginx", "-p", str(d), "-c", str(d / "nginx.conf"), "-t", "-q"]
            self.cmd = ["/usr/sbin/nginx", "-p", str(d), "-c", str(d / "nginx.conf")]
        checked = subprocess.run(test, capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            sys.exit(f"FAIL: {self.name}: the configuration is refused:\n{checked.stderr}{checked.stdout}")

    def start(self):
        log = open(self.dir / "stderr.log", "w")
        self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        children.append(self.proc)
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                get(self.port, f"{self.base}/")
                return
            except OSError:
                time.sleep(0.2)
        errors = (self.dir / "error.log").read_text(errors="replace") if (self.dir / "error.log").exists() else ""
        sys.exit(f"FAIL: {self.name} did not answer on port {self.port}:\n{errors}")


def stop_all():
    for p in children:
        if p.poll() is None:
            p.terminate()
    for p in children:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def glob_match(pattern, path):
    regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"
    return re.match(regex, path) is not None


def promised_headers(server, file_rel):
    """The headers the built `_headers` files promise for the file at `file_rel` (relative
    to the output): those of the root file, then of a regency's own under a province."""
    out = server.out
    url_path = f"{server.base}/{file_rel}"
    promised = {}
    folder = out
    parts = [""] + list(Path(file_rel).parent.parts)
    for part in parts:
        folder = folder / part if part else folder
        headers_file = folder / "_headers"
        if not headers_file.is_file():
            continue
        pattern = None
        for line in headers_file.read_text().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                pattern = line.strip()
            elif pattern and glob_match(pattern, url_path):
                name, _, value = line.strip().partition(":")
                promised[name.strip()] = value.strip()
    return promised


def check_headers(server, url_path, file_rel, r, what):
    for name, value in promised_headers(server, file_rel).items():
        got = r.header(name)
        if got != value:
            fail(f"{server.name}: {url_path} ({what}): {name} is {got!r}, _headers promises {value!r}")


def sitemap_urls(server, deadline):
    """Every page URL of the sitemap, following a sitemap index."""
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    todo, pages = [f"{server.base}/sitemap.xml"], []
    while todo and time.monotonic() < deadline and len(pages) < MAX_URLS:
        path = todo.pop(0)
        r = get(server.port, path)
        if r.status != 200:
            fail(f"{server.name}: sitemap {path} answered {r.status}")
            continue
        tree = ET.fromstring(r.body)
        locs = [e.text.strip() for e in tree.iter(f"{ns}loc")]
        for loc in locs:
            parts = urlsplit(loc)
            if parts.netloc != f"127.0.0.1:{server.port}":
                fail(f"{server.name}: {path} lists {loc}, not an address of this build")
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            (todo if tree.tag == f"{ns}sitemapindex" else pages).append(target)
    return pages[:MAX_URLS]


def location_path(server, r):
    loc = r.header("Location") or ""
    parts = urlsplit(loc)
    if parts.netloc and parts.netloc != f"127.0.0.1:{server.port}":
        return f"(another host) {loc}"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expect_redirect(server, path, to):
    r = get(server.port, path)
    got = location_path(server, r)
    if r.status != 301 or got != to:
        fail(f"{server.name}: {path} answered {r.status} to {r.header('Location')!r}, expected 301 to {to}")


def check_site(server):
    """Every HTTP check of one server; returns (news page, photo) paths for the browser and
    the header table."""
    deadline = time.monotonic() + SITE_DEADLINE
    base, out = server.base, server.out
    pages = sitemap_urls(server, deadline)
    if len(pages) < 10:
        fail(f"{server.name}: the sitemap lists {len(pages)} pages, expected the whole sample")
    for path in pages:
        if time.monotonic() > deadline:
            fail(f"{server.name}: the sitemap's pages were not all fetched in {SITE_DEADLINE} s")
            break
        r = get(server.port, path)
        if r.status != 200:
            fail(f"{server.name}: {path} (in the sitemap) answered {r.status}, expected 200")
    print(f"   {server.name}: {len(pages)} sitemap pages answered")

    # The site's own 404 page, with its status and the headers every answer gets.
    expected_404 = (out / "404.html").read_bytes()
    r = get(server.port, f"{base}{MISSING}")
    if r.status != 404:
        fail(f"{server.name}: {base}{MISSING} answered {r.status}, expected 404")
    if r.body != expected_404:
        title = re.search(rb"<title>([^<]*)", expected_404)
        fail(f"{server.name}: {base}{MISSING} did not answer with the site's 404.html "
             f"({title.group(1).decode() if title else '?'}); got {r.body[:200]!r}")
    for name, promised in promised_headers(server, "404.html").items():
        # Hosts cache what succeeded only; every other header goes with the 404 too.
        if name != "Cache-Control" and r.header(name) != promised:
            fail(f"{server.name}: {base}{MISSING} (404): {name} is {r.header(name)!r}, _headers promises {promised!r}")
    # Inside a regency of a province: its own 404 page (Apache, its .htaccess) or the
    # province's (nginx, one error_page for the whole portal).
    for regency in sorted(p.parent for p in out.glob("*/404.html")):
        path = f"{base}/{regency.name}{MISSING}"
        r = get(server.port, path)
        if r.status != 404 or r.body not in (expected_404, (regency / "404.html").read_bytes()):
            fail(f"{server.name}: {path} answered {r.status} {r.body[:120]!r}, expected 404 with a 404.html of the site")

    # The trailing slash of a folder, and of the sub-path itself.
    expect_redirect(server, f"{base}/berita", f"{base}/berita/")
    if base:
        expect_redirect(server, base, f"{base}/")

    # A news page, a photo, the stylesheet: headers and compression.
    # A news page: its file carries the schema.org NewsArticle.
    news = next((p for p in pages if p.endswith("/") and b'"NewsArticle"' in
                 (out / p[len(base):].lstrip("/") / "index.html").read_bytes()), None)
    if news is None:
        fail(f"{server.name}: no news page in the sitemap")
        return None
    news_rel = news[len(base):].lstrip("/") + "index.html"
    photos = sorted(out.glob("gambar/*.jpg")) or sorted(out.glob("*/gambar/*.jpg"))
    if not photos:
        fail(f"{server.name}: no photo under gambar/ in {out}")
        return None
    photo_rel = photos[0].relative_to(out).as_posix()
    photo = f"{base}/{photo_rel}"
    table = {}
    checked = [(news, news_rel, "page"), (photo, photo_rel, "photo"),
               (f"{base}/cerdas.css", "cerdas.css", "stylesheet")]
    # The search index (every sample has search on): a fragment, named by its content and
    # kept a year, and the entry file, which names the current meta file.
    fragments = sorted(out.glob("pagefind/fragment/*.pf_fragment"))
    if not fragments:
        fail(f"{server.name}: no search fragment under {out / 'pagefind/fragment'}")
        return None
    for rel, what in [(fragments[0].relative_to(out).as_posix(), "search fragment"),
                      ("pagefind/pagefind-entry.json", "search entry")]:
        checked.append((f"{base}/{rel}", rel, what))
    for path, rel, what in checked:
        r = get(server.port, path)
        if r.status != 200:
            fail(f"{server.name}: {path} answered {r.status}, expected 200")
            continue
        check_headers(server, path, rel, r, what)
        if r.body != (out / rel).read_bytes():
            fail(f"{server.name}: {path} did not answer with {out / rel}")
        table[what] = r
    for path, rel in [(news, news_rel), (f"{base}/cerdas.css", "cerdas.css")]:
        r = get(server.port, path, accept_gzip=True)
        if r.header("Content-Encoding") != "gzip":
            fail(f"{server.name}: {path} asked with Accept-Encoding: gzip came back {r.header('Content-Encoding')!r}, expected gzip")
        elif gzip.decompress(r.body) != (out / rel).read_bytes():
            fail(f"{server.name}: {path}: the gzip body is not the file")
        elif rel.endswith(".html"):
            table["page (gzip)"] = r
    ctype = table.get("photo") and table["photo"].header("Content-Type")
    if ctype and ctype != "image/jpeg":
        fail(f"{server.name}: {photo} has Content-Type {ctype!r}, expected image/jpeg")

    # Old addresses (redirects.yaml), when the site has them: paths with and without their
    # slash, and the WordPress query forms at the root and on index.php.
    if (out / "_redirects").is_file():
        for old, new in REDIRECTS:
            if old.startswith("/?"):
                expect_redirect(server, f"{base}{old}", f"{base}{new}")
                expect_redirect(server, f"{base}/index.php{old[1:]}", f"{base}{new}")
            else:
                expect_redirect(server, f"{base}{old}", f"{base}{new}")
                expect_redirect(server, f"{base}{old.rstrip('/')}", f"{base}{new}")
        print(f"   {server.name}: {len(REDIRECTS)} old addresses redirect")
    return news, table


def print_table(rows):
    names = ["Content-Type", "Cache-Control", "Content-Encoding", "Content-Security-Policy",
             "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"]
    for r in rows:
        for n in r[2].headers:
            title = "-".join(w.capitalize() for w in n.split("-"))
            if title not in names and n not in ("date", "server", "etag", "last-modified",
                                               "content-length", "accept-ranges", "connection",
                                               "vary", "keep-alive", "transfer-encoding"):
                names.append(title)
    print("\n| server | file | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 2))
    for server, what, r in rows:
        cells = [r.header(n) or "-" for n in names]
        print(f"| {server} | {what} | " + " | ".join(cells) + " |")
    print()


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: host_test.py CERDAS_BINARY TOOLS_DIR WORK_DIR")
    cerdas, tools, work = (Path(a).resolve() for a in sys.argv[1:4])
    os.chmod(work, 0o755)  # the servers' workers (www-data) read the built sites
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: stopped"))
    try:
        # The sample regency, given old addresses to redirect.
        regency = work / "src" / "agam"
        shutil.copytree(ROOT / "content-sample" / "agam", regency,
                        ignore=shutil.ignore_patterns(".cerdas-cache"))
        (regency / "redirects.yaml").write_text(
            "".join(f'- from: "{old}"\n  to: "{new}"\n' for old, new in REDIRECTS))
        sources = {"kabupaten": regency, "provinsi": ROOT / "content-sample"}
        servers = [Server(kind, site, base, work) for kind in ["apache", "nginx"]
                   for site in sources for base in ["", SUB]]
        print(f"== build the samples for {len(servers)} servers")
        for s in servers:
            s.build(cerdas, sources[s.site], work / "cache")
            s.configure()
            s.start()
        print("== HTTP checks")
        browse, rows = [], []
        for s in servers:
            found = check_site(s)
            if found is None:
                continue
            news, table = found
            browse += [f"http://127.0.0.1:{s.port}{s.base}/", f"http://127.0.0.1:{s.port}{news}"]
            if s.site == "kabupaten" and not s.base:
                rows += [(s.kind, what, table[what]) for what in
                         ["page", "page (gzip)", "photo", "search fragment", "search entry"]
                         if what in table]
        print("== headers sent (the sample regency at the root)")
        print_table(rows)
        print(f"== headless Chromium: {len(browse)} pages")
        done = subprocess.run(["node", str(ROOT / "tools" / "host_browser_test.mjs"), str(tools)]
                              + browse, timeout=600)
        if done.returncode != 0:
            fail("headless Chromium found problems (above)")
    finally:
        stop_all()
    if failures:
        sys.exit(f"FAIL: {len(failures)} problems with real servers")
    print("ok: Apache and nginx serve the sample regency and province, at the root and under a sub-path")


if __name__ == "__main__":
    main()
