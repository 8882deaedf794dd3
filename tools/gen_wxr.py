#!/usr/bin/env python3
"""Writes a WordPress export (WXR 1.2) of N posts, with a copy of wp-content/uploads, to time
`cerdas import wordpress` (issue 18).

    python3 tools/gen_wxr.py OUT_DIR [--posts 10000] [--photos 200]

OUT_DIR/export.xml holds N posts (a tenth of them drafts, every other one in the block
editor, classic ones stored without <p>, each with a featured image, a body photo with a
[caption], and every tenth with a [gallery]), 20 pages (some nested), one attachment per
photo, menu items and revisions (skipped). OUT_DIR/uploads/YYYY/MM/ holds PHOTOS small JPEG
files (needs Pillow; without it, tiny valid JPEGs written by hand) that the posts share.
"""

import argparse
import os
import random
from xml.sax.saxutils import escape

WORDS = ("smart city sosialisasi bimtek rapat koordinasi opd diskominfo bupati aula "
         "kabupaten peluncuran aplikasi satu data layanan publik desa digital warga").split()

# A 1x1 baseline JPEG: a valid picture header for `read_image_info`.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f"
    "141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101"
    "011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403"
    "050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a1617"
    "18191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a83"
    "8485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7"
    "d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")


def photo_bytes(i):
    try:
        from PIL import Image
        import io
        img = Image.new("RGB", (320, 240), (i * 37 % 255, i * 91 % 255, 120))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=70)
        return buf.getvalue()
    except ImportError:
        return TINY_JPEG


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--photos", type=int, default=200)
    args = ap.parse_args()
    rnd = random.Random(18)
    base = "https://lama.contoh.go.id"
    os.makedirs(args.out, exist_ok=True)
    photos = []
    for i in range(args.photos):
        rel = f"{2018 + i % 6}/{1 + i % 12:02d}/foto-{i}.jpg"
        path = os.path.join(args.out, "uploads", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(photo_bytes(i))
        photos.append(rel)
    att_base = 1_000_000
    with open(os.path.join(args.out, "export.xml"), "w", encoding="utf-8") as out:
        w = out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
          'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
        w(f"<title>Portal lama</title><link>{base}</link><pubDate>Mon, 02 Sep 2024 03:00:00 +0000</pubDate>\n")
        w(f"<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{base}</wp:base_site_url><wp:base_blog_url>{base}</wp:base_blog_url>\n")
        w("<wp:author><wp:author_login><![CDATA[humas]]></wp:author_login>"
          "<wp:author_display_name><![CDATA[Humas Kabupaten Contoh]]></wp:author_display_name></wp:author>\n")
        for i, rel in enumerate(photos):
            w(f"<item><title>Foto {i}</title><wp:post_id>{att_base + i}</wp:post_id>"
              f"<excerpt:encoded>{cdata('Keterangan foto ' + str(i))}</excerpt:encoded>"
              f"<wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type>"
              f"<wp:attachment_url>{base}/wp-content/uploads/{rel}</wp:attachment_url>"
              f"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>"
              f"<wp:meta_value>{cdata('Kegiatan ' + str(i))}</wp:meta_value></wp:postmeta></item>\n")
        for n in range(1, args.posts + 1):
            words = [rnd.choice(WORDS) for _ in range(6)]
            title = " ".join(words).title() + f" {n}"
            slug = "-".join(words) + f"-{n}"
            y, m, d = 2015 + n % 9, 1 + n % 12, 1 + n % 28
            date = f"{y}-{m:02d}-{d:02d} 09:{n % 60:02d}:00"
            gmt = f"{y}-{m:02d}-{d:02d} 02:{n % 60:02d}:00"
            status = "draft" if n % 10 == 0 else "publish"
            p = n % len(photos)
            url = f"{base}/wp-content/uploads/{photos[p][:-4]}-300x225.jpg"
            paras = [" ".join(rnd.choice(WORDS) for _ in range(40)) for _ in range(5)]
            cap = f'[caption id="attachment_{att_base + p}" width="300"]<img src="{url}" alt="" /> Keterangan {n}[/caption]'
            if n % 2:
                body = "\n\n".join(paras[:2] + [cap] + paras[2:])
            else:
                body = "\n\n".join(f"<!-- wp:paragraph -->\n<p>{t}</p>\n<!-- /wp:paragraph -->" for t in paras[:2])
                body += f'\n\n<!-- wp:image -->\n<figure class="wp-block-image"><img src="{url}" alt="Foto {n}"/><figcaption>Keterangan {n}</figcaption></figure>\n<!-- /wp:image -->\n\n'
                body += "\n\n".join(f"<!-- wp:paragraph -->\n<p>{t}</p>\n<!-- /wp:paragraph -->" for t in paras[2:])
            if n % 10 == 1:
                ids = ",".join(str(att_base + (p + k) % len(photos)) for k in range(3))
                body += f'\n\n[gallery ids="{ids}"]'
            cat = rnd.choice(["Berita Daerah", "Smart City", "Pengumuman"])
            w("<item>"
              f"<title>{escape(title)}</title><link>{base}/{y}/{m:02d}/{d:02d}/{slug}/</link>"
              "<dc:creator><![CDATA[humas]]></dc:creator>"
              f"<content:encoded>{cdata(body)}</content:encoded>"
              f"<excerpt:encoded>{cdata('')}</excerpt:encoded>"
              f"<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
              f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status><wp:post_parent>0</wp:post_parent>"
              "<wp:post_type>post</wp:post_type>"
              f'<category domain="category" nicename="{cat.lower().replace(" ", "-")}">{cdata(cat)}</category>'
              f'<category domain="post_tag" nicename="tag-{n % 50}">{cdata("Tag " + str(n % 50))}</category>'
              f"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>{att_base + p}</wp:meta_value></wp:postmeta>"
              "</item>\n")
            if n % 20 == 0:
                w(f"<item><title>{escape(title)}</title><wp:post_id>{2_000_000 + n}</wp:post_id>"
                  f"<wp:status>inherit</wp:status><wp:post_parent>{n}</wp:post_parent>"
                  f"<wp:post_type>revision</wp:post_type><content:encoded>{cdata(body)}</content:encoded></item>\n")
        for k in range(20):
            parent = 3_000_000 + k - 1 if k % 4 else 0
            w(f"<item><title>Halaman {k}</title><link>{base}/halaman-{k}/</link>"
              f"<content:encoded>{cdata('Isi halaman ' + str(k))}</content:encoded>"
              f"<wp:post_id>{3_000_000 + k}</wp:post_id><wp:post_date>2020-01-01 08:00:00</wp:post_date>"
              f"<wp:post_date_gmt>2020-01-01 01:00:00</wp:post_date_gmt><wp:post_name>halaman-{k}</wp:post_name>"
              f"<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>page</wp:post_type></item>\n")
            w(f"<item><title>Menu {k}</title><wp:post_id>{4_000_000 + k}</wp:post_id>"
              "<wp:status>publish</wp:status><wp:post_type>nav_menu_item</wp:post_type></item>\n")
        w("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
