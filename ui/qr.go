package ui

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	qrcode "github.com/skip2/go-qrcode"
)

// qrMinSize keeps the code scannable from a phone at arm's length even in a small window.
const qrMinSize = 160

// newQRRaster draws a QR code at whatever size the screen gives it: every module is a
// whole number of pixels (sharp edges scan fastest), black on white, with the standard
// four-module quiet zone, centred in the space. An empty content draws plain white.
func newQRRaster() (*canvas.Raster, func(content string) error) {
	var modules [][]bool // true = dark; includes the quiet zone
	raster := canvas.NewRaster(func(w, h int) image.Image { return paintQR(modules, w, h) })
	raster.SetMinSize(fyne.NewSize(qrMinSize, qrMinSize))
	raster.ScaleMode = canvas.ImageScalePixels
	set := func(content string) error {
		if content == "" {
			modules = nil
			raster.Refresh()
			return nil
		}
		// Medium error correction: some smudge on a screen is survivable, and the code
		// stays coarse enough for cheap phone cameras.
		q, err := qrcode.New(content, qrcode.Medium)
		if err != nil {
			return err
		}
		modules = q.Bitmap() // go-qrcode adds the 4-module quiet zone
		raster.Refresh()
		return nil
	}
	return raster, set
}

// paintQR renders modules into a w×h white image at the largest whole module size.
func paintQR(modules [][]bool, w, h int) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	n := len(modules)
	if n == 0 {
		return img
	}
	cell := min(w, h) / n
	if cell < 1 {
		cell = 1
	}
	x0, y0 := (w-cell*n)/2, (h-cell*n)/2
	dark := color.Gray{Y: 0}
	for my, row := range modules {
		for mx, on := range row {
			if !on {
				continue
			}
			for y := y0 + my*cell; y < y0+(my+1)*cell; y++ {
				for x := x0 + mx*cell; x < x0+(mx+1)*cell; x++ {
					img.SetGray(x, y, dark)
				}
			}
		}
	}
	return img
}
