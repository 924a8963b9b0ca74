// The set-up QR code, drawn here rather than by any third-party service (the secret must not leave
// the app). uqr (the unjs port of Nayuki's encoder, no dependencies, runs in any runtime) makes the
// module matrix; the page draws it as one SVG path.
import { encode } from "uqr";

export type QrCodeDrawing = { size: number; path: string };

/**
 * The dark modules of `text`'s QR code as one SVG path (a rectangle per run of dark modules in a row), with its side in modules
 * (the quiet zone of 4 modules the standard asks for included). Error correction M, as authenticator
 * apps' own examples use: an otpauth URI fits in a version 6 to 8 code.
 */
export function drawQrCode(text: string): QrCodeDrawing {
  const { data, size } = encode(text, { ecc: "M", border: 4 });
  let path = "";
  data.forEach((row, y) => {
    // One rectangle per run of dark modules in a row: a third of the markup of one square each.
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      const run = x - start + 1;
      path += `M${start} ${y}h${run}v1h-${run}z`;
    }
  });
  return { size, path };
}
