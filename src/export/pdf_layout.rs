//! A small page layout on krilla: headings, wrapped paragraphs, label–value lines and tables
//! on A4 pages with a footer, written as PDF/A-2b with the embedded DejaVu fonts. Layout is
//! done first (lines measured with the fonts' own advance widths), drawing afterwards, so the
//! footer knows how many pages there are.

use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::SerializeSettings;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const FOOTER: f32 = 30.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - FOOTER;

/// The two faces, parsed once per process.
struct Faces {
    regular: Font,
    bold: Font,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        regular: Font::new(Arc::new(REGULAR.to_vec()).into(), 0).expect("embedded DejaVu Sans"),
        bold: Font::new(Arc::new(BOLD.to_vec()).into(), 0).expect("embedded DejaVu Sans Bold"),
    })
}

fn font_ref(bold: bool) -> skrifa::FontRef<'static> {
    skrifa::FontRef::new(if bold { BOLD } else { REGULAR }).expect("embedded fonts parse")
}

/// Width of `text` at `size` points.
fn width(text: &str, size: f32, bold: bool) -> f32 {
    let font = font_ref(bold);
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .filter_map(|c| charmap.map(c))
        .filter_map(|gid| metrics.advance_width(gid))
        .sum()
}

/// Text the fonts can draw: controls become spaces and characters without a glyph become
/// `?` (a missing glyph would make the PDF/A check refuse the whole document).
fn drawable(text: &str) -> String {
    let regular = font_ref(false);
    let bold = font_ref(true);
    let (regular, bold) = (regular.charmap(), bold.charmap());
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\n' => '\n',
            c if c.is_control() || crate::domain::text::is_format_char(c) => ' ',
            c if regular.map(c).is_some() && bold.map(c).is_some() => c,
            _ => '?',
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Style {
    Title,
    Heading,
    Subheading,
    Body,
    Strong,
    Small,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 18.0,
            Style::Heading => 13.5,
            Style::Subheading => 11.0,
            Style::Body | Style::Strong => 9.5,
            Style::Small => 8.0,
        }
    }

    fn bold(self) -> bool {
        matches!(
            self,
            Style::Title | Style::Heading | Style::Subheading | Style::Strong
        )
    }

    fn leading(self) -> f32 {
        self.size() * 1.35
    }
}

enum Op {
    Text {
        x: f32,
        y: f32,
        style: Style,
        grey: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
}

pub struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    footer: String,
}

impl Layout {
    /// A document whose every page ends with `footer` and its page number.
    pub fn new(footer: &str) -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
            footer: drawable(footer),
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a layout has a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    pub fn title(&mut self, text: &str) {
        self.lines(text, Style::Title, MARGIN, CONTENT_WIDTH, false);
        self.space(6.0);
    }

    /// A heading, kept on the page of what follows it.
    pub fn heading(&mut self, text: &str) {
        self.space(10.0);
        self.ensure(Style::Heading.leading() + 4.0 * Style::Body.leading());
        self.lines(text, Style::Heading, MARGIN, CONTENT_WIDTH, false);
        self.rule();
        self.space(4.0);
    }

    pub fn subheading(&mut self, text: &str) {
        self.space(6.0);
        self.ensure(Style::Subheading.leading() + 3.0 * Style::Body.leading());
        self.lines(text, Style::Subheading, MARGIN, CONTENT_WIDTH, false);
        self.space(2.0);
    }

    pub fn paragraph(&mut self, text: &str, style: Style) {
        self.lines(text, style, MARGIN, CONTENT_WIDTH, false);
        self.space(3.0);
    }

    /// Secondary text, in grey.
    pub fn note(&mut self, text: &str) {
        self.lines(text, Style::Small, MARGIN, CONTENT_WIDTH, true);
        self.space(3.0);
    }

    /// `Label : value`, the value wrapped beside the label.
    pub fn field(&mut self, label: &str, value: &str) {
        self.field_in(label, value, Style::Body);
    }

    /// A field whose value is in `style` (`Small` keeps a digest on one line).
    pub fn field_in(&mut self, label: &str, value: &str, style: Style) {
        let label_width = 150.0;
        let label_lines = self.wrap(label, Style::Strong, label_width - 8.0);
        let value_lines = self.wrap(value, style, CONTENT_WIDTH - label_width);
        let height = label_lines.len().max(value_lines.len()) as f32 * Style::Body.leading();
        self.ensure(height.min(BOTTOM - MARGIN));
        let (top, page) = (self.y, self.pages.len());
        self.place(label_lines, Style::Strong, MARGIN, false);
        let after_label = self.y;
        if self.pages.len() == page {
            self.y = top;
        }
        self.place(value_lines, style, MARGIN + label_width, false);
        self.y = self.y.max(after_label);
    }

    pub fn bullet(&mut self, text: &str) {
        let lines = self.wrap(text, Style::Body, CONTENT_WIDTH - 12.0);
        self.ensure(Style::Body.leading());
        let y = self.y + Style::Body.size();
        self.ops().push(Op::Text {
            x: MARGIN + 2.0,
            y,
            style: Style::Body,
            grey: false,
            text: "•".to_owned(),
        });
        self.place(lines, Style::Body, MARGIN + 12.0, false);
    }

    /// A table with a bold header row; `widths` are fractions of the text width. Rows are
    /// never split across pages unless one is taller than a page.
    pub fn table(&mut self, widths: &[f32], header: &[&str], rows: &[Vec<String>]) {
        let columns: Vec<(f32, f32)> = {
            let mut x = MARGIN;
            widths
                .iter()
                .map(|w| {
                    let column = (x, w * CONTENT_WIDTH);
                    x += w * CONTENT_WIDTH;
                    column
                })
                .collect()
        };
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        self.table_row(&columns, &header, Style::Strong);
        self.rule();
        for row in rows {
            self.table_row(&columns, row, Style::Small);
        }
        self.space(4.0);
    }

    fn table_row(&mut self, columns: &[(f32, f32)], cells: &[String], style: Style) {
        let wrapped: Vec<Vec<String>> = columns
            .iter()
            .zip(cells)
            .map(|((_, w), cell)| self.wrap(cell, style, w - 6.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        self.ensure((lines as f32 * style.leading()).min(BOTTOM - MARGIN));
        let top = self.y;
        let mut bottom = top;
        for ((x, _), lines) in columns.iter().zip(wrapped) {
            self.y = top;
            self.place(lines, style, *x, false);
            bottom = bottom.max(self.y);
        }
        self.y = bottom + 2.0;
    }

    fn rule(&mut self) {
        let y = self.y + 1.0;
        self.ops().push(Op::Rule { y });
        self.y += 3.0;
    }

    fn lines(&mut self, text: &str, style: Style, x: f32, max_width: f32, grey: bool) {
        let lines = self.wrap(text, style, max_width);
        self.place(lines, style, x, grey);
    }

    /// Places lines from the current position, breaking pages between lines.
    fn place(&mut self, lines: Vec<String>, style: Style, x: f32, grey: bool) {
        for line in lines {
            self.ensure(style.leading());
            let y = self.y + style.size();
            if !line.is_empty() {
                self.ops().push(Op::Text {
                    x,
                    y,
                    style,
                    grey,
                    text: line,
                });
            }
            self.y += style.leading();
        }
    }

    /// Greedy line breaking at spaces; a word longer than the line is cut.
    fn wrap(&self, text: &str, style: Style, max_width: f32) -> Vec<String> {
        let (size, bold) = (style.size(), style.bold());
        let text = drawable(text);
        let mut out = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if width(&candidate, size, bold) <= max_width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if width(&piece, size, bold) > max_width && piece.chars().count() > 1 {
                        piece.pop();
                        out.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            out.push(line);
        }
        out
    }

    /// Draws every page and writes the PDF/A-2b document.
    pub fn finish(
        self,
        title: &str,
        created: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Vec<u8>> {
        use chrono::{Datelike, Timelike};
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| anyhow::anyhow!("PDF configuration: {e:?}"))?;
        let mut document = Document::new_with(SerializeSettings {
            configuration,
            ..SerializeSettings::default()
        });
        let date = DateTime::new(u16::try_from(created.year()).unwrap_or(2000))
            .month(created.month() as u8)
            .day(created.day() as u8)
            .hour(created.hour() as u8)
            .minute(created.minute() as u8)
            .second(created.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        document.set_metadata(
            Metadata::new()
                .title(drawable(title))
                .language("fr".to_owned())
                .creator("Acquis".to_owned())
                .creation_date(date),
        );
        let faces = faces();
        let total = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| anyhow::anyhow!("page size"))?;
        for (index, ops) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text {
                        x,
                        y,
                        style,
                        grey,
                        text,
                    } => {
                        let shade = if *grey { 90 } else { 20 };
                        surface.set_fill(Some(fill(shade)));
                        let font = if style.bold() {
                            faces.bold.clone()
                        } else {
                            faces.regular.clone()
                        };
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            font,
                            style.size(),
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                    Op::Rule { y } => {
                        let mut path = PathBuilder::new();
                        path.move_to(MARGIN, *y);
                        path.line_to(PAGE_WIDTH - MARGIN, *y);
                        if let Some(path) = path.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: rgb::Color::new(160, 160, 160).into(),
                                width: 0.5,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                }
            }
            surface.set_fill(Some(fill(110)));
            let footer = format!("{} — page {} / {}", self.footer, index + 1, total);
            surface.draw_text(
                Point::from_xy(MARGIN, PAGE_HEIGHT - MARGIN + 10.0),
                faces.regular.clone(),
                Style::Small.size(),
                &footer,
                false,
                TextDirection::Auto,
            );
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| anyhow::anyhow!("PDF export refused: {e:?}"))
    }
}

fn fill(shade: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(shade, shade, shade).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_within_the_line_and_keeps_every_word() {
        let layout = Layout::new("test");
        let text = "Conduite de projets d'ingénierie sociale ".repeat(20);
        let lines = layout.wrap(&text, Style::Body, 200.0);
        assert!(lines.len() > 5, "{lines:?}");
        for line in &lines {
            assert!(width(line, Style::Body.size(), false) <= 200.0, "{line}");
        }
        assert_eq!(
            lines.join(" ").split_whitespace().count(),
            text.split_whitespace().count()
        );
    }

    #[test]
    fn characters_without_a_glyph_are_replaced_not_dropped() {
        assert_eq!(drawable("é à ç œ — ✓ 漢"), "é à ç œ — ✓ ?");
        assert_eq!(drawable("a\u{0007}b"), "a b");
    }

    #[test]
    fn a_document_of_several_pages_is_written_as_pdf_a() {
        let mut layout = Layout::new("Acquis");
        layout.title("Dossier de validation");
        for n in 0..120 {
            layout.field(&format!("Ligne {n}"), "Valeur accentuée éèà");
        }
        assert!(layout.pages.len() > 1);
        let pdf = layout.finish("Essai", chrono::Utc::now()).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("pdfaid:part"), "no PDF/A identification");
    }
}
