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
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "vanban: please install: ${need[*]} (apt-get install -y ${need[*]})" >&2
  exit 0
fi
echo "vanban: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
