package biometric

import (
	"fmt"
	"image"
	"image/color"
	"math"

	xdraw "golang.org/x/image/draw"
)

// spriteQuality is the JPEG quality of sprites.
const spriteQuality = 80

// renderSprite lays the frames out left to right, top to bottom, in a grid
// of the given columns, each scaled to tileWidth (height by the first
// frame's aspect ratio), and encodes it as JPEG.
func renderSprite(frames []*image.RGBA, columns, tileWidth int) (Sprite, error) {
	if len(frames) == 0 || columns <= 0 || tileWidth <= 0 {
		return Sprite{}, fmt.Errorf("biometric: nothing to render in a sprite")
	}
	first := frames[0].Bounds()
	tileHeight := max(1, int(math.Round(float64(tileWidth)*float64(first.Dy())/float64(first.Dx()))))
	cols := min(columns, len(frames))
	rows := (len(frames) + cols - 1) / cols
	canvas := image.NewRGBA(image.Rect(0, 0, cols*tileWidth, rows*tileHeight))
	xdraw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.Black), image.Point{}, xdraw.Src)
	for i, f := range frames {
		x, y := (i%cols)*tileWidth, (i/cols)*tileHeight
		xdraw.BiLinear.Scale(canvas, image.Rect(x, y, x+tileWidth, y+tileHeight), f, f.Bounds(), xdraw.Src, nil)
	}
	data, err := encodeJPEG(canvas, spriteQuality)
	if err != nil {
		return Sprite{}, fmt.Errorf("biometric: encode sprite: %w", err)
	}
	return Sprite{JPEG: data, Columns: cols, Rows: rows, TileWidth: tileWidth, TileHeight: tileHeight, Frames: len(frames)}, nil
}
