package ui

import (
	// Pinned until the screens use them (keeps go.mod stable while work proceeds in parallel).
	_ "github.com/makiuchi-d/gozxing"
	_ "github.com/skip2/go-qrcode"
)
