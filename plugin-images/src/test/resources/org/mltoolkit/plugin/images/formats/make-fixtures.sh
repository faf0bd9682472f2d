#!/usr/bin/env bash
# Makes the image files ImageCodecTest reads, with ImageMagick (a producer other than Java's own writers), and
# expected.tsv: for each file its size, whether it is grey, and the sRGB value of the pixel at row 5, column 5 as
# ImageMagick reads it. Run it in this folder; needs ImageMagick 6 or 7 (apt-get install imagemagick).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if command -v magick >/dev/null 2>&1; then im=(magick); else im=(convert); fi

"${im[@]}" -size 12x10 gradient:black-white -colorspace Gray -depth 8 grey8.png
"${im[@]}" -size 12x10 gradient:black-white -colorspace Gray -depth 16 grey16.png
"${im[@]}" -size 12x10 gradient:red-blue -depth 8 rgb8.png
"${im[@]}" -size 12x10 gradient:red-blue -depth 16 rgb16.png
"${im[@]}" -size 12x10 gradient:red-blue -alpha set -channel A -evaluate set 50% +channel rgba.png
"${im[@]}" -size 12x10 gradient:red-blue -colors 8 PNG8:palette.png
"${im[@]}" -size 12x10 gradient:red-blue -interlace PNG interlaced.png
"${im[@]}" -size 12x10 gradient:red-blue -quality 95 rgb.jpg
"${im[@]}" -size 12x10 gradient:red-blue -quality 95 -interlace JPEG progressive.jpg
"${im[@]}" -size 12x10 gradient:black-white -colorspace Gray -quality 95 grey.jpg
"${im[@]}" -size 12x10 gradient:red-blue -quality 95 -colorspace CMYK cmyk.jpg
"${im[@]}" -size 12x10 gradient:red-blue BMP3:rgb24.bmp
"${im[@]}" -size 12x10 gradient:red-blue -alpha set BMP:rgba32.bmp
"${im[@]}" -size 12x10 gradient:red-blue -colors 16 -compress RLE BMP3:rle8.bmp
"${im[@]}" -size 12x10 gradient:black-white -colors 4 -colorspace Gray -type Palette BMP3:grey-palette.bmp
"${im[@]}" -size 12x10 gradient:red-blue gradient.gif
"${im[@]}" -delay 10 -size 12x10 gradient:red-blue gradient:blue-red -loop 0 animated.gif
# A PNG cut short, and text with an image's name.
head -c 60 rgb8.png > truncated.png
printf 'not an image\n' > text.png

{
  printf 'file\theight\twidth\tgrey\tred\tgreen\tblue\n'
  for f in grey8.png grey16.png rgb8.png rgb16.png rgba.png palette.png interlaced.png rgb.jpg progressive.jpg \
      grey.jpg cmyk.jpg rgb24.bmp rgba32.bmp rle8.bmp grey-palette.bmp gradient.gif animated.gif; do
    first="$f[0]"
    height="$("${im[@]}" "$first" -format '%h' info:)"
    width="$("${im[@]}" "$first" -format '%w' info:)"
    # Grey by what the pixels are (ImageMagick's type), whatever the file's colour model.
    case "$("${im[@]}" "$first" -format '%[type]' info:)" in
      Grayscale* | Bilevel) grey=true ;;
      *) grey=false ;;
    esac
    pixel() { "${im[@]}" "$first" -colorspace sRGB -alpha off -format "%[fx:int(255*p{5,5}.$1+0.5)]" info:; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$height" "$width" "$grey" "$(pixel r)" "$(pixel g)" "$(pixel b)"
  done
} > expected.tsv
