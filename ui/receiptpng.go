package ui

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"wxtill/assets"
)

// The receipt PNG is the text receipt drawn on a fixed grid of cells, so its columns line
// up exactly as on a receipt printer: Latin in the monospace font, Chinese in the
// embedded CJK font (two cells), anything else in Fyne's text font.
const (
	receiptFontPx = 20
	receiptCellPx = 12 // the monospace font's advance at 20 px
	receiptLinePx = 30
	receiptMargin = 24
)

type glyphFace struct {
	font *sfnt.Font
	face font.Face
}

var (
	receiptFacesOnce sync.Once
	receiptFaces     []glyphFace
	receiptFacesErr  error
)

func loadReceiptFaces() ([]glyphFace, error) {
	receiptFacesOnce.Do(func() {
		for _, data := range [][]byte{
			theme.DefaultTextMonospaceFont().Content(),
			assets.CJKFont,
			theme.DefaultTextFont().Content(),
		} {
			f, err := opentype.Parse(data)
			if err != nil {
				receiptFacesErr = fmt.Errorf("receipt font: %w", err)
				return
			}
			face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: receiptFontPx, DPI: 72, Hinting: font.HintingFull})
			if err != nil {
				receiptFacesErr = fmt.Errorf("receipt font: %w", err)
				return
			}
			receiptFaces = append(receiptFaces, glyphFace{font: f, face: face})
		}
	})
	return receiptFaces, receiptFacesErr
}

// faceFor picks the first face that has r; the last one draws its "missing" box.
func faceFor(faces []glyphFace, buf *sfnt.Buffer, r rune) font.Face {
	for _, f := range faces {
		if gi, err := f.font.GlyphIndex(buf, r); err == nil && gi != 0 {
			return f.face
		}
	}
	return faces[len(faces)-1].face
}

// renderReceipt draws the text receipt black on white.
func renderReceipt(text string) (image.Image, error) {
	faces, err := loadReceiptFaces()
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	w := 2*receiptMargin + receiptWidth*receiptCellPx
	h := 2*receiptMargin + len(lines)*receiptLinePx
	img := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	var buf sfnt.Buffer
	for i, l := range lines {
		baseline := receiptMargin + i*receiptLinePx + receiptFontPx
		col := 0
		for _, r := range l {
			span := runeCells(r)
			if r != ' ' {
				face := faceFor(faces, &buf, r)
				adv, _ := face.GlyphAdvance(r)
				x := receiptMargin + col*receiptCellPx + (span*receiptCellPx-adv.Round())/2
				d := font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(x, baseline)}
				d.DrawString(string(r))
			}
			col += span
		}
	}
	return img, nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
