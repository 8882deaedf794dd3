#!/usr/bin/env python3
"""Draws the sample content's pictures and documents, so no downloaded image is ever used.

    python3 tools/sample_assets.py        # rewrites them under content-sample/

For each sample regency: a cover photo of its event (a meeting hall drawn with shapes: stage,
banner, projector screen, rows of participants), a second photo of the same event, an SVG
logo (an abstract emblem: six dots for the six dimensions around the regency's initials) and a
one-page PDF summary of its masterplan. Needs Pillow (`pip install pillow`). Deterministic."""

import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content-sample")

# slug, initials, banner text, wall colour, accent colour, bundle folder of the main event news
REGENCIES = [
    ("agam", "AG", "SOSIALISASI SMART CITY TAHAP II", (196, 178, 150), (20, 90, 60), "sosialisasi-smart-city-tahap-ii"),
    ("padang-pariaman", "PP", "BIMTEK I GERAKAN MENUJU 100 SMART CITY", (170, 160, 190), (120, 30, 40), "bimtek-i-gerakan-menuju-100-smart-city"),
    ("kota-solok", "KS", "PENDAMPINGAN SMART CITY KOTA SOLOK", (180, 190, 170), (30, 70, 130), "pembukaan-pendampingan-smart-city"),
    ("kota-padang", "KP", "BIMTEK TAHAP II MASTERPLAN SMART CITY", (200, 185, 165), (150, 90, 20), "bimtek-tahap-ii-masterplan-quick-win"),
    ("solok-selatan", "SS", "BIMTEK PENYUSUNAN MASTERPLAN SMART CITY", (175, 185, 195), (40, 110, 110), "bimtek-penyusunan-masterplan"),
]

W, H = 1600, 900


def font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"):
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def shade(c, f):
    return tuple(max(0, min(255, int(v * f))) for v in c)


def draw_hall(rng, banner, wall, accent, view):
    img = Image.new("RGB", (W, H), wall)
    d = ImageDraw.Draw(img)
    # Wall with vertical panels and windows.
    for x in range(0, W, 160):
        d.rectangle([x, 0, x + 150, 520], fill=shade(wall, 0.95 + 0.1 * rng.random()))
    for x in (60, 1380):
        d.rectangle([x, 80, x + 160, 380], fill=(205, 225, 240), outline=shade(wall, 0.6), width=8)
        d.line([x + 80, 80, x + 80, 380], fill=shade(wall, 0.6), width=6)
    # Ceiling lights.
    for x in range(120, W, 260):
        d.ellipse([x, 10, x + 60, 30], fill=(255, 250, 225))
    # Stage and banner.
    stage_top = 430 if view == 0 else 470
    d.rectangle([260, 60, 1340, 300], fill=accent)
    d.rectangle([270, 70, 1330, 290], outline=(240, 200, 60), width=4)
    f = font(44 if len(banner) < 34 else 36)
    tw = d.textlength(banner, font=f)
    d.text(((W - tw) / 2, 150), banner, font=f, fill=(255, 255, 255))
    small = font(26)
    sub = "PEMERINTAH DAERAH  ·  DISKOMINFO"
    d.text(((W - d.textlength(sub, font=small)) / 2, 220), sub, font=small, fill=(250, 230, 160))
    # Projector screen with a slide.
    d.rectangle([1040, 320, 1330, 470], fill=(245, 245, 245), outline=(60, 60, 60), width=3)
    for i, wdt in enumerate((220, 180, 240, 150)):
        d.rectangle([1060, 340 + i * 30, 1060 + wdt, 352 + i * 30], fill=shade(accent, 1.4))
    d.rectangle([0, stage_top, W, stage_top + 40], fill=(110, 70, 45))
    # Speakers' table with people.
    d.rectangle([380, stage_top - 70, 960, stage_top], fill=(235, 235, 230), outline=(120, 110, 100), width=2)
    for x in range(430, 930, 110):
        d.ellipse([x, stage_top - 140, x + 50, stage_top - 90], fill=(120, 85, 60))
        d.rectangle([x - 10, stage_top - 95, x + 60, stage_top - 70], fill=rng.choice([(30, 40, 70), (240, 240, 240), (20, 80, 60)]))
    # Floor and rows of participants seen from behind.
    d.rectangle([0, stage_top + 40, W, H], fill=(150, 120, 95))
    for row in range(5):
        y = stage_top + 90 + row * 85
        size = 46 + row * 10
        step = size + 34
        for x in range(-20 + (row % 2) * step // 2, W, step):
            shirt = rng.choice([(40, 60, 110), (235, 235, 235), (120, 30, 40), (30, 100, 70), (200, 170, 60), (60, 60, 60)])
            d.rounded_rectangle([x, y + size * 0.7, x + size * 1.3, y + size * 2.2], radius=int(size / 3), fill=shirt)
            hair = rng.choice([(25, 20, 20), (40, 30, 25), (15, 15, 15)])
            if rng.random() < 0.45:
                hair = rng.choice([(230, 230, 235), (60, 90, 140), (140, 40, 60), (20, 20, 20)])  # jilbab
                d.ellipse([x + size * 0.1, y - size * 0.05, x + size * 1.2, y + size * 1.05], fill=hair)
            else:
                d.ellipse([x + size * 0.2, y, x + size * 1.1, y + size * 0.95], fill=hair)
    return img.filter(ImageFilter.GaussianBlur(0.8))


def write_logo(path, initials, accent):
    r, g, b = accent
    dots = []
    import math
    for i in range(6):
        a = math.pi / 2 + i * math.pi / 3
        dots.append(f'<circle cx="{50 + 34 * math.cos(a):.1f}" cy="{52 - 34 * math.sin(a):.1f}" r="7" fill="#f2b705"/>')
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 104" width="100" height="104" role="img">
<title>Lambang contoh portal smart city {initials}</title>
<path d="M50 2 L94 18 L90 66 Q84 92 50 102 Q16 92 10 66 L6 18 Z" fill="rgb({r},{g},{b})" stroke="#ffffff" stroke-width="3"/>
{''.join(dots)}
<text x="50" y="62" font-family="sans-serif" font-size="26" font-weight="700" text-anchor="middle" fill="#ffffff">{initials}</text>
</svg>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(svg)


def write_pdf(path, title, lines):
    """A minimal valid one-page PDF with a title and a few lines of text (Helvetica)."""
    def esc(s):
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    text = ["BT /F1 20 Tf 72 760 Td (" + esc(title) + ") Tj ET"]
    y = 720
    for line in lines:
        text.append(f"BT /F1 12 Tf 72 {y} Td (" + esc(line) + ") Tj ET")
        y -= 20
    stream = "\n".join(text).encode("latin-1", "replace")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(out)


def main():
    for slug, initials, banner, wall, accent, bundle in REGENCIES:
        rng = random.Random(slug)
        base = os.path.join(ROOT, slug)
        os.makedirs(os.path.join(base, "static"), exist_ok=True)
        write_logo(os.path.join(base, "static", "logo.svg"), initials, accent)
        folder = os.path.join(base, "berita", bundle)
        os.makedirs(folder, exist_ok=True)
        for name, view in (("foto-utama.jpg", 0), ("foto-peserta.jpg", 1)):
            draw_hall(rng, banner, wall, accent, view).save(os.path.join(folder, name), "JPEG", quality=80, optimize=True, progressive=True)
        os.makedirs(os.path.join(base, "masterplan"), exist_ok=True)
        write_pdf(
            os.path.join(base, "masterplan", "ringkasan-masterplan.pdf"),
            f"Ringkasan Masterplan Smart City - {slug}",
            ["Dokumen contoh dari content-sample cerdas.", "Isi lengkap ada di halaman masterplan portal."],
        )


if __name__ == "__main__":
    main()
