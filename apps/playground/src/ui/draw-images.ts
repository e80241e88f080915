/** Draws image `i` of NHWC float32 32×32×3 images in [0, 1] at (left, top), `scale` pixels per pixel. */
export function drawImage(ctx: CanvasRenderingContext2D, images: Float32Array, i: number, left: number, top: number, scale: number): void {
  const img = ctx.createImageData(32 * scale, 32 * scale);
  for (let r = 0; r < 32 * scale; r++) {
    for (let c = 0; c < 32 * scale; c++) {
      const src = i * 3072 + (Math.floor(r / scale) * 32 + Math.floor(c / scale)) * 3;
      const dst = (r * 32 * scale + c) * 4;
      for (let k = 0; k < 3; k++) img.data[dst + k] = Math.round(Math.min(1, Math.max(0, images[src + k]!)) * 255);
      img.data[dst + 3] = 255;
    }
  }
  ctx.putImageData(img, left, top);
}

/** Draws `n` images as a grid of `cols` columns on `canvas` (resized to fit), `scale` pixels per pixel, 2 pixels apart. */
export function drawGrid(canvas: HTMLCanvasElement, images: Float32Array, n: number, cols: number, scale: number): void {
  const cell = 32 * scale + 2;
  canvas.width = Math.min(n, cols) * cell;
  canvas.height = Math.ceil(n / cols) * cell;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("drawGrid: no 2D canvas context");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < n; i++) drawImage(ctx, images, i, (i % cols) * cell, Math.floor(i / cols) * cell, scale);
}
