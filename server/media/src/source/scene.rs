//! Draws the synthetic kitchen straight into I420: tiled wall, steel counter, a wok swaying
//! over a flickering flame, a cook walking past, and a burnt-in Beijing-time clock as real
//! NVR cameras show. Each camera gets its own layout from its id.

use chrono::{DateTime, Utc};

/// A colour as (Y, U, V), BT.601 limited range.
#[derive(Clone, Copy)]
struct Yuv(u8, u8, u8);

const TILE: Yuv = Yuv(190, 124, 130);
const GROUT: Yuv = Yuv(150, 126, 129);
const STEEL: Yuv = Yuv(140, 130, 124);
const WOK: Yuv = Yuv(45, 128, 128);
const FLAME: Yuv = Yuv(160, 70, 190);
const COAT: Yuv = Yuv(230, 128, 128);
const SKIN: Yuv = Yuv(170, 110, 150);
const INK: Yuv = Yuv(235, 128, 128);
const SHADE: Yuv = Yuv(30, 128, 128);

pub struct Scene {
    width: usize,
    height: usize,
    /// Per-camera variation: phase of the motion and tile size.
    phase: f64,
    tile: usize,
}

impl Scene {
    pub fn new(seed: u64, width: usize, height: usize) -> Scene {
        Scene { width, height, phase: (seed % 17) as f64 * 0.37, tile: 48 + (seed % 4) as usize * 8 }
    }

    /// Renders the picture at `elapsed` seconds; `yuv` is a full I420 buffer.
    pub fn render(&mut self, elapsed: f64, now: DateTime<Utc>, yuv: &mut [u8]) {
        let (w, h) = (self.width, self.height);
        let counter_top = h * 2 / 3;
        // Wall tiles, then the counter with a soft vertical gradient.
        for y in 0..counter_top {
            let grout_row = y % self.tile < 3;
            for x in (0..w).step_by(2) {
                let c = if grout_row || x % self.tile < 3 { GROUT } else { TILE };
                self.put2(yuv, x, y, c);
            }
        }
        for y in counter_top..h {
            let shade = ((y - counter_top) * 60 / (h - counter_top)) as u8;
            let c = Yuv(STEEL.0 - shade, STEEL.1, STEEL.2);
            for x in (0..w).step_by(2) {
                self.put2(yuv, x, y, c);
            }
        }
        let t = elapsed + self.phase;
        // The wok sways over its flame.
        let wok_x = w as f64 * 0.35 + (t * 1.7).sin() * 60.0;
        let wok_y = counter_top as f64 - 40.0 + (t * 3.4).sin().abs() * -25.0;
        let flicker = 1.0 + (t * 23.0).sin() * 0.25 + (t * 37.0).cos() * 0.15;
        self.ellipse(yuv, w as f64 * 0.35, counter_top as f64 + 10.0, 70.0 * flicker, 22.0 * flicker, FLAME);
        self.ellipse(yuv, wok_x, wok_y, 120.0, 38.0, WOK);
        // The cook walks along the counter and back.
        let cook_x = w as f64 * (0.5 + 0.35 * (t * 0.25).sin());
        self.rect(yuv, cook_x - 55.0, counter_top as f64 - 260.0, 110.0, 260.0, COAT);
        self.ellipse(yuv, cook_x, counter_top as f64 - 300.0, 38.0, 44.0, SKIN);
        self.rect(yuv, cook_x - 40.0, counter_top as f64 - 370.0, 80.0, 40.0, COAT);
        // Clock, Beijing time, as camera firmware burns it in.
        let text = mingchu_domain::china_time::local(now).format("%Y-%m-%d %H:%M:%S").to_string();
        let scale = 4;
        let text_w = text.len() * 6 * scale;
        self.rect(yuv, 16.0, 16.0, (text_w + 16) as f64, (7 * scale + 16) as f64, SHADE);
        self.text(yuv, 24, 24, scale, &text, INK);
    }

    /// Sets two horizontally adjacent pixels (one chroma sample covers 2×2 pixels).
    fn put2(&self, yuv: &mut [u8], x: usize, y: usize, c: Yuv) {
        let w = self.width;
        yuv[y * w + x] = c.0;
        if x + 1 < w {
            yuv[y * w + x + 1] = c.0;
        }
        if y.is_multiple_of(2) {
            let plane = w * self.height;
            let i = (y / 2) * (w / 2) + x / 2;
            yuv[plane + i] = c.1;
            yuv[plane + plane / 4 + i] = c.2;
        }
    }

    fn rect(&self, yuv: &mut [u8], x: f64, y: f64, w: f64, h: f64, c: Yuv) {
        let x0 = (x.max(0.0) as usize) & !1;
        let x1 = ((x + w).min(self.width as f64)) as usize;
        let y0 = y.max(0.0) as usize;
        let y1 = ((y + h).min(self.height as f64)) as usize;
        for yy in y0..y1 {
            for xx in (x0..x1).step_by(2) {
                self.put2(yuv, xx, yy, c);
            }
        }
    }

    fn ellipse(&self, yuv: &mut [u8], cx: f64, cy: f64, rx: f64, ry: f64, c: Yuv) {
        let y0 = (cy - ry).max(0.0) as usize;
        let y1 = ((cy + ry).min(self.height as f64 - 1.0)) as usize;
        for y in y0..=y1 {
            let dy = (y as f64 - cy) / ry;
            if dy.abs() > 1.0 {
                continue;
            }
            let half = rx * (1.0 - dy * dy).sqrt();
            self.rect(yuv, cx - half, y as f64, half * 2.0, 1.0, c);
        }
    }

    /// Draws digits, '-', ':' and spaces in a 5×7 pixel font, `scale` times enlarged.
    fn text(&self, yuv: &mut [u8], x: usize, y: usize, scale: usize, text: &str, c: Yuv) {
        for (i, ch) in text.chars().enumerate() {
            let rows = glyph(ch);
            for (row, bits) in rows.iter().enumerate() {
                for col in 0..5 {
                    if bits & (0x10 >> col) != 0 {
                        let px = (x + (i * 6 + col) * scale) as f64;
                        let py = (y + row * scale) as f64;
                        self.rect(yuv, px, py, scale as f64, scale as f64, c);
                    }
                }
            }
        }
    }
}

/// 5×7 glyphs, one byte per row, bit 4 leftmost.
fn glyph(ch: char) -> [u8; 7] {
    match ch {
        '0' => [0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e],
        '1' => [0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e],
        '2' => [0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f],
        '3' => [0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e],
        '4' => [0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02],
        '5' => [0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e],
        '6' => [0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e],
        '7' => [0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e],
        '9' => [0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c],
        '-' => [0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00],
        ':' => [0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00],
        _ => [0; 7],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_changes_the_picture_every_second() {
        let (w, h) = (640, 360);
        let mut scene = Scene::new(3, w, h);
        let mut a = vec![0u8; w * h * 3 / 2];
        let mut b = a.clone();
        let t = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z").unwrap().with_timezone(&Utc);
        scene.render(1.0, t, &mut a);
        scene.render(1.0, t + chrono::Duration::seconds(1), &mut b);
        let clock_rows = w * 60;
        assert!(a[..clock_rows] != b[..clock_rows], "the burnt-in clock ticks");
        assert!(a.contains(&WOK.0), "the wok is drawn");
    }
}
