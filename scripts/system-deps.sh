#!/usr/bin/env bash
# Install the Debian packages vanban's tests and OCR need, only when missing.
# Runs as root on CI and developer machines; elsewhere prints what to install.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-vie)
[ -e /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || [ -e /usr/share/tesseract-ocr/4.00/tessdata/vie.traineddata ] || need+=(tesseract-ocr-vie)
command -v chromium >/dev/null || need+=(chromium)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# Word 97–2003 .doc: antiword (0.6 MB) keeps tables. LibreOffice (about 250 MB with its
# libraries) also keeps Word's automatic list numbers and reads .odt; install it with
# VANBAN_OFFICE=1. Only the .doc/.odt conversion tests and scripts/make_formats.py need it.
command -v antiword >/dev/null || need+=(antiword)
if [ "${VANBAN_OFFICE:-0}" = 1 ]; then
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "vanban: please install: ${need[*]} (apt-get install -y ${need[*]})" >&2
  exit 0
fi
echo "vanban: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
