//! Official documents (公文/文书) rendered to PDF with correctly displayed, extractable Chinese text.
//!
//! [`render_pdf`] lays out an [`OfficialDocument`] on A4 portrait pages, roughly after
//! GB/T 9704-2012 (党政机关公文格式):
//!
//! - type area 156 mm × 225 mm: top margin 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
//! - issuer (发文机关标志) in 22 pt red, centred, with a red rule across the type area under it;
//! - title at 20 pt, centred, drawn slightly emboldened (the font has a single weight);
//! - document number centred under the title;
//! - addressee, then body paragraphs at 16 pt (三号) on a 22-lines-per-page grid (pitch ≈ 28.9 pt),
//!   each paragraph's first line indented by two characters; a line break (`\n`) inside a paragraph
//!   starts a new, again indented, paragraph;
//! - labelled fields as a bordered two-column table;
//! - one empty line, then the signature lines centred on each other, the block right-aligned two characters
//!   in from the margin and kept on one page;
//! - footer lines (12 pt) at the bottom of the last page under a thin rule (a new page if they do not fit);
//! - page numbers "— n —" centred below the type area.
//!
//! Lines wrap by character (CJK text has no spaces); a run of ASCII letters/digits is moved to the next
//! line whole when it fits there, and closing punctuation (，。、）〕 …) is not left at the start of a
//! line. Text never runs past the margins. Text that does not fit flows onto further pages.
//!
//! Control characters and invisible format characters are dropped; characters the font lacks
//! (e.g. emoji) are replaced by "□".
//!
//! # Font
//!
//! The PDF embeds a subset of WenQuanYi Micro Hei (文泉驿微米黑 0.2.0-beta, face 0 of
//! `assets/fonts/wqy-microhei.ttc`, from the Debian package `fonts-wqy-microhei` 0.2.0-beta-3.1):
//! CJK (GB2312/GBK) plus ASCII and Latin-1 in one TrueType font, © 2008–2009 The WenQuanYi Project
//! Board of Trustees, based on Google's Droid fonts. It is dual-licensed Apache-2.0 or GPL-3+ with a
//! font embedding exception; neibao uses it under the Apache License 2.0 (see
//! `assets/fonts/LICENSE-wqy-microhei.txt` and `assets/fonts/README.md`). The font is compiled into the
//! binary with `include_bytes!` (about 5 MB); each PDF carries only the glyphs it uses, with a ToUnicode
//! map, so the text can be searched and copied (e.g. with `pdftotext`).

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use std::sync::OnceLock;

/// The embedded CJK font (WenQuanYi Micro Hei, Apache-2.0); a collection, face 0 is used.
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei.ttc");

/// One official document, ready to lay out. All text is plain Unicode.
#[derive(Debug, Clone)]
pub struct OfficialDocument {
    /// Issuing organisation, printed as the red-header line (e.g. "杭州市公安局西湖区分局").
    pub issuer: String,
    /// Document title (e.g. "限期整改通知书").
    pub title: String,
    /// Document number (e.g. "西公(内保)限字〔2026〕第0001号"), printed under the title, right-aligned or centred.
    pub number: String,
    /// Addressee line (e.g. "演示某某公司：") — printed left-aligned before the body; may be empty.
    pub addressee: String,
    /// Body paragraphs, each first-line indented by two characters, wrapped to the page width.
    pub paragraphs: Vec<String>,
    /// Optional labelled fields printed as a two-column table after the body (label, value), e.g. ("整改期限", "2026年12月6日").
    pub fields: Vec<(String, String)>,
    /// Signature block lines, right-aligned near the end (e.g. ["杭州市公安局西湖区分局", "2026年11月29日"]).
    pub signature: Vec<String>,
    /// Small print at the bottom of the last page (e.g. a receipt line "被检查单位签收：________"); may be empty.
    pub footer: Vec<String>,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DocgenError {
    /// The PDF library (or loading the embedded font) failed; the text says how.
    #[error("PDF 生成失败：{0}")]
    Pdf(String),
}

// ---------------------------------------------------------------------------------------------
// Page geometry (PDF points, y grows downwards as in krilla).

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const LEFT: f32 = 28.0 * MM;
const RIGHT: f32 = PAGE_W - 26.0 * MM;
const TOP: f32 = 37.0 * MM;
const BOTTOM: f32 = PAGE_H - 35.0 * MM;
const WIDTH: f32 = RIGHT - LEFT;
const BODY_H: f32 = BOTTOM - TOP;

const ISSUER_SIZE: f32 = 22.0;
const TITLE_SIZE: f32 = 20.0;
const BODY_SIZE: f32 = 16.0;
/// GB/T 9704: 22 lines of 三号 text in the 225 mm type area.
const BODY_PITCH: f32 = BODY_H / 22.0;
const TABLE_SIZE: f32 = 14.0;
const TABLE_PITCH: f32 = TABLE_SIZE * 1.6;
const TABLE_PAD: f32 = 5.0;
const TABLE_LINE: f32 = 0.6;
const FOOTER_SIZE: f32 = 12.0;
const FOOTER_PITCH: f32 = FOOTER_SIZE * 1.6;
const PAGE_NO_SIZE: f32 = 14.0;

const RED: (u8, u8, u8) = (220, 0, 0);
const BLACK: (u8, u8, u8) = (0, 0, 0);

/// Stand-in for characters the font cannot draw.
const REPLACEMENT: char = '□';

/// Renders `doc` as an A4 PDF (one or more pages; text that does not fit flows to the next page).
/// Errors: only if the PDF library fails (returns `DocgenError`), never panics on any input text
/// (characters missing from the font are drawn with the font's .notdef glyph or replaced, not a panic).
pub fn render_pdf(doc: &OfficialDocument) -> Result<Vec<u8>, DocgenError> {
    let metrics = Metrics::new()?;
    let font = embedded_font().ok_or_else(|| DocgenError::Pdf("内置字体无法加载".into()))?;

    let items = layout(doc, &metrics);
    let pages = paginate(&items);

    let mut document = Document::new();
    let title = metrics.clean_inline(&doc.title);
    let mut metadata = Metadata::new().language("zh-CN".into()).creator("neibao-docgen".into());
    if !title.is_empty() {
        metadata = metadata.title(title);
    }
    document.set_metadata(metadata);

    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| DocgenError::Pdf("页面尺寸无效".into()))?;
    for (index, placed) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut painter = Painter {
            surface: &mut surface,
            font: &font,
            metrics: &metrics,
        };
        painter.draw_page(placed);
        let number = format!("— {} —", index + 1);
        let w = metrics.width(&number, PAGE_NO_SIZE);
        painter.text(
            (PAGE_W - w) / 2.0,
            BOTTOM + 7.0 * MM + PAGE_NO_SIZE,
            &number,
            PAGE_NO_SIZE,
            BLACK,
            false,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| DocgenError::Pdf(format!("{e:?}")))
}

/// The text lines [`render_pdf`] draws for `doc`, in order (issuer, title, number, addressee,
/// body, table cells, signature, footer; page numbers left out), each as wrapped on the page —
/// for checking the layout without a PDF reader (e.g. that no line starts with "）").
///
/// Errors: only if the embedded font cannot be parsed.
pub fn laid_out_lines(doc: &OfficialDocument) -> Result<Vec<String>, DocgenError> {
    let metrics = Metrics::new()?;
    Ok(layout(doc, &metrics)
        .into_iter()
        .flat_map(|item| item.draws)
        .filter_map(|d| match d {
            Draw::Text { text, .. } => Some(text),
            Draw::Rect { .. } => None,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Font metrics and text clean-up.

/// The embedded font, loaded (and hashed by krilla) once per process.
fn embedded_font() -> Option<Font> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| Font::new(FONT_BYTES.into(), 0)).clone()
}

struct Metrics {
    face: ttf_parser::Face<'static>,
    units_per_em: f32,
}

impl Metrics {
    fn new() -> Result<Self, DocgenError> {
        let face =
            ttf_parser::Face::parse(FONT_BYTES, 0).map_err(|e| DocgenError::Pdf(format!("内置字体无法解析：{e}")))?;
        let units_per_em = f32::from(face.units_per_em().max(1));
        Ok(Metrics { face, units_per_em })
    }

    /// Glyph id and advance (in em) of `c`, if the font has it.
    fn glyph(&self, c: char) -> Option<(u16, f32)> {
        let id = self.face.glyph_index(c)?;
        if id.0 == 0 {
            return None;
        }
        let advance = self
            .face
            .glyph_hor_advance(id)
            .map_or(0.5, |a| f32::from(a) / self.units_per_em);
        Some((id.0, advance))
    }

    fn advance(&self, c: char) -> f32 {
        self.glyph(c).map_or(1.0, |(_, a)| a)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c) * size).sum()
    }

    /// Splits `text` at line breaks and cleans each line: tabs become spaces, control and invisible
    /// format characters are dropped, characters without a glyph become "□" (or "?").
    fn clean_lines(&self, text: &str) -> Vec<String> {
        let replacement = if self.glyph(REPLACEMENT).is_some() {
            REPLACEMENT
        } else {
            '?'
        };
        let normalised = text.replace("\r\n", "\n");
        normalised
            .split(['\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'])
            .map(|line| {
                line.chars()
                    .filter_map(|c| {
                        let c = if c == '\t' { ' ' } else { c };
                        if c.is_control() || is_invisible(c) {
                            None
                        } else if self.glyph(c).is_some() {
                            Some(c)
                        } else {
                            Some(replacement)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Like [`Metrics::clean_lines`], joined into one line with spaces.
    fn clean_inline(&self, text: &str) -> String {
        let lines = self.clean_lines(text);
        lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Wraps one cleaned line into lines no wider than `width`; the first line has `indent` less room.
    fn wrap(&self, text: &str, size: f32, indent: f32, width: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current: Vec<char> = Vec::new();
        let mut current_w = 0.0f32;
        let mut room = (width - indent).max(0.0);
        // Start (index in `current`) of the ASCII letter/digit run the line ends with.
        let mut run_start: Option<usize> = None;
        for c in text.chars() {
            let w = self.advance(c) * size;
            if !current.is_empty() && current_w + w > room + 0.01 {
                let mut carry: Vec<char> = Vec::new();
                if is_word_char(c) {
                    if let Some(start) = run_start.filter(|&s| s > 0) {
                        carry = current.split_off(start);
                    }
                } else if no_line_start(c) {
                    // The character before `c` goes along, with the run of closing punctuation
                    // it may end (as in "）”" or "）。"), so that none of them starts the next line.
                    let closing = current.iter().rev().take_while(|&&x| no_line_start(x)).count();
                    let keep = current.len().saturating_sub(closing + 1);
                    if keep > 0 {
                        carry = current.split_off(keep);
                    }
                }
                // Opening punctuation (“（《 …) does not end a line: it moves down with what it opens.
                let opening = current.iter().rev().take_while(|&&x| no_line_end(x)).count();
                if opening > 0 && opening < current.len() {
                    let mut moved = current.split_off(current.len() - opening);
                    moved.append(&mut carry);
                    carry = moved;
                }
                lines.push(current.iter().collect::<String>().trim_end().to_string());
                current = carry;
                current_w = current.iter().map(|&c| self.advance(c) * size).sum();
                room = width;
                run_start = if current.first().is_some_and(|&c| is_word_char(c)) {
                    Some(0)
                } else {
                    None
                };
                if c == ' ' && current.is_empty() {
                    continue;
                }
            }
            current.push(c);
            current_w += w;
            if is_word_char(c) {
                run_start.get_or_insert(current.len() - 1);
            } else {
                run_start = None;
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current.iter().collect::<String>().trim_end().to_string());
        }
        lines
    }

    /// Cleans and wraps `text` (hard line breaks kept).
    fn wrap_all(&self, text: &str, size: f32, indent: f32, width: f32) -> Vec<String> {
        self.clean_lines(text)
            .iter()
            .flat_map(|line| self.wrap(line, size, indent, width))
            .collect()
    }
}

/// Zero-width and bidi format characters, variation selectors, tags: nothing to draw.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Punctuation that must not begin a line (避头点号).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】〕〉”’…—·%,.;:!?)]}".contains(c)
}

/// Punctuation that must not end a line (避尾点号): opening brackets and quotes.
fn no_line_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

// ---------------------------------------------------------------------------------------------
// Layout: the document as a column of items, then split into pages.

#[derive(Debug, Clone)]
enum Draw {
    /// Text whose baseline is `dy` below the item's top.
    Text {
        x: f32,
        dy: f32,
        text: String,
        size: f32,
        color: (u8, u8, u8),
        bold: bool,
    },
    /// A filled rectangle `dy` below the item's top.
    Rect {
        x: f32,
        dy: f32,
        w: f32,
        h: f32,
        color: (u8, u8, u8),
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Normal,
    /// Vertical space: dropped at the top of a page.
    Space,
    /// Footer: placed at the bottom of the last page.
    Footer,
}

/// Where a line of a table row sits in its row.
#[derive(Debug, Clone, Copy)]
struct RowLine {
    first: bool,
    last: bool,
}

#[derive(Debug, Clone)]
struct Item {
    height: f32,
    draws: Vec<Draw>,
    /// Items with the same non-zero group are kept on one page when they fit on one.
    group: usize,
    /// Set on the lines of a table row.
    row: Option<RowLine>,
    role: Role,
}

impl Item {
    fn space(height: f32) -> Self {
        Item {
            height,
            draws: Vec::new(),
            group: 0,
            row: None,
            role: Role::Space,
        }
    }
}

/// Baseline offset that centres CJK glyphs (which sit about 0.38 em above the baseline) in a line.
fn baseline(pitch: f32, size: f32) -> f32 {
    pitch / 2.0 + 0.38 * size
}

fn text_line(x: f32, text: String, size: f32, pitch: f32, color: (u8, u8, u8), bold: bool) -> Item {
    let draws = if text.is_empty() {
        Vec::new()
    } else {
        vec![Draw::Text {
            x,
            dy: baseline(pitch, size),
            text,
            size,
            color,
            bold,
        }]
    };
    Item {
        height: pitch,
        draws,
        group: 0,
        row: None,
        role: Role::Normal,
    }
}

fn centred(m: &Metrics, out: &mut Vec<Item>, text: &str, size: f32, pitch: f32, color: (u8, u8, u8), bold: bool) {
    for line in m.wrap_all(text, size, 0.0, WIDTH) {
        if line.is_empty() {
            continue;
        }
        let w = m.width(&line, size);
        out.push(text_line(
            LEFT + ((WIDTH - w) / 2.0).max(0.0),
            line,
            size,
            pitch,
            color,
            bold,
        ));
    }
}

fn layout(doc: &OfficialDocument, m: &Metrics) -> Vec<Item> {
    let mut out = Vec::new();
    let mut group = 0usize;

    if !doc.issuer.trim().is_empty() {
        centred(m, &mut out, &doc.issuer, ISSUER_SIZE, ISSUER_SIZE * 1.4, RED, true);
        out.push(Item::space(6.0));
        let rule = Draw::Rect {
            x: LEFT,
            dy: 0.0,
            w: WIDTH,
            h: 2.0,
            color: RED,
        };
        out.push(Item {
            height: 2.0,
            draws: vec![rule],
            group: 0,
            row: None,
            role: Role::Normal,
        });
        out.push(Item::space(20.0));
    }

    centred(m, &mut out, &doc.title, TITLE_SIZE, TITLE_SIZE * 1.5, BLACK, true);
    centred(m, &mut out, &doc.number, BODY_SIZE, BODY_PITCH, BLACK, false);
    out.push(Item::space(BODY_PITCH / 2.0));

    for line in m.wrap_all(&doc.addressee, BODY_SIZE, 0.0, WIDTH) {
        if !line.is_empty() {
            out.push(text_line(LEFT, line, BODY_SIZE, BODY_PITCH, BLACK, false));
        }
    }

    let indent = 2.0 * BODY_SIZE;
    for paragraph in &doc.paragraphs {
        for hard in m.clean_lines(paragraph) {
            let hard = hard.trim_start();
            if hard.trim().is_empty() {
                continue;
            }
            for (i, line) in m.wrap(hard, BODY_SIZE, indent, WIDTH).into_iter().enumerate() {
                let x = if i == 0 { LEFT + indent } else { LEFT };
                out.push(text_line(x, line, BODY_SIZE, BODY_PITCH, BLACK, false));
            }
        }
    }

    if !doc.fields.is_empty() {
        out.push(Item::space(BODY_PITCH / 2.0));
        let label_w = doc
            .fields
            .iter()
            .map(|(label, _)| m.width(&m.clean_inline(label), TABLE_SIZE))
            .fold(0.0f32, f32::max)
            .clamp(4.0 * TABLE_SIZE, 0.4 * WIDTH - 2.0 * TABLE_PAD);
        let value_x = LEFT + label_w + 2.0 * TABLE_PAD;
        let value_w = RIGHT - value_x - 2.0 * TABLE_PAD;
        for (label, value) in &doc.fields {
            group += 1;
            let labels = m.wrap_all(label, TABLE_SIZE, 0.0, label_w);
            let values = m.wrap_all(value, TABLE_SIZE, 0.0, value_w);
            let lines = labels.len().max(values.len());
            for i in 0..lines {
                let line = RowLine {
                    first: i == 0,
                    last: i + 1 == lines,
                };
                let height =
                    TABLE_PITCH + if line.first { TABLE_PAD } else { 0.0 } + if line.last { TABLE_PAD } else { 0.0 };
                let dy = baseline(TABLE_PITCH, TABLE_SIZE) + if line.first { TABLE_PAD } else { 0.0 };
                let mut draws = Vec::new();
                for (x, text) in [(LEFT + TABLE_PAD, labels.get(i)), (value_x + TABLE_PAD, values.get(i))] {
                    if let Some(text) = text.filter(|t| !t.is_empty()) {
                        draws.push(Draw::Text {
                            x,
                            dy,
                            text: text.clone(),
                            size: TABLE_SIZE,
                            color: BLACK,
                            bold: false,
                        });
                    }
                }
                for x in [LEFT, value_x - TABLE_LINE / 2.0, RIGHT - TABLE_LINE] {
                    draws.push(Draw::Rect {
                        x,
                        dy: 0.0,
                        w: TABLE_LINE,
                        h: height,
                        color: BLACK,
                    });
                }
                if line.first {
                    draws.push(Draw::Rect {
                        x: LEFT,
                        dy: 0.0,
                        w: WIDTH,
                        h: TABLE_LINE,
                        color: BLACK,
                    });
                }
                if line.last {
                    draws.push(Draw::Rect {
                        x: LEFT,
                        dy: height - TABLE_LINE,
                        w: WIDTH,
                        h: TABLE_LINE,
                        color: BLACK,
                    });
                }
                out.push(Item {
                    height,
                    draws,
                    group,
                    row: Some(line),
                    role: Role::Normal,
                });
            }
        }
    }

    let signature: Vec<String> = doc
        .signature
        .iter()
        .flat_map(|s| m.wrap_all(s, BODY_SIZE, 0.0, WIDTH))
        .filter(|l| !l.is_empty())
        .collect();
    if !signature.is_empty() {
        group += 1;
        let block_w = signature.iter().map(|l| m.width(l, BODY_SIZE)).fold(0.0f32, f32::max);
        let block_x = (RIGHT - 2.0 * BODY_SIZE - block_w).max(LEFT);
        let mut space = Item::space(BODY_PITCH);
        space.group = group;
        out.push(space);
        for line in signature {
            let w = m.width(&line, BODY_SIZE);
            let x = (block_x + (block_w - w) / 2.0).clamp(LEFT, (RIGHT - w).max(LEFT));
            let mut item = text_line(x, line, BODY_SIZE, BODY_PITCH, BLACK, false);
            item.group = group;
            out.push(item);
        }
    }

    let footer: Vec<String> = doc
        .footer
        .iter()
        .flat_map(|s| m.wrap_all(s, FOOTER_SIZE, 0.0, WIDTH))
        .filter(|l| !l.is_empty())
        .collect();
    for line in footer {
        let mut item = text_line(LEFT, line, FOOTER_SIZE, FOOTER_PITCH, BLACK, false);
        item.role = Role::Footer;
        out.push(item);
    }
    out
}

/// Splits items into pages; each placed item carries the y of its top edge.
fn paginate(items: &[Item]) -> Vec<Vec<(f32, Item)>> {
    let mut pages: Vec<Vec<(f32, Item)>> = Vec::new();
    let mut page: Vec<(f32, Item)> = Vec::new();
    let mut y = TOP;

    let (body, footer): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| i.role != Role::Footer);

    let mut i = 0;
    while i < body.len() {
        let g = body[i].group;
        let end = if g == 0 {
            i + 1
        } else {
            i + body[i..].iter().take_while(|it| it.group == g).count()
        };
        let group_h: f32 = body[i..end].iter().map(|it| it.height).sum();
        if g != 0 && !page.is_empty() && y + group_h > BOTTOM && group_h <= BODY_H {
            pages.push(std::mem::take(&mut page));
            y = TOP;
        }
        for item in &body[i..end] {
            if !page.is_empty() && y + item.height > BOTTOM + 0.01 {
                pages.push(std::mem::take(&mut page));
                y = TOP;
            }
            if page.is_empty() && item.role == Role::Space {
                continue;
            }
            page.push((y, (*item).clone()));
            y += item.height;
        }
        i = end;
    }

    if !footer.is_empty() {
        let footer_h: f32 = footer.iter().map(|it| it.height).sum();
        let gap = FOOTER_PITCH / 2.0;
        if footer_h <= BODY_H {
            if !page.is_empty() && y + gap + footer_h > BOTTOM {
                pages.push(std::mem::take(&mut page));
            }
            y = BOTTOM - footer_h;
            // A thin rule separates the footer (e.g. a receipt) from the document.
            let rule = Draw::Rect {
                x: LEFT,
                dy: -FOOTER_PITCH / 4.0,
                w: WIDTH,
                h: 0.5,
                color: BLACK,
            };
            page.push((
                y,
                Item {
                    height: 0.0,
                    draws: vec![rule],
                    group: 0,
                    row: None,
                    role: Role::Normal,
                },
            ));
            for item in footer {
                page.push((y, item.clone()));
                y += item.height;
            }
        } else {
            for item in footer {
                if !page.is_empty() && y + item.height > BOTTOM + 0.01 {
                    pages.push(std::mem::take(&mut page));
                    y = TOP;
                }
                page.push((y, item.clone()));
                y += item.height;
            }
        }
    }

    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

// ---------------------------------------------------------------------------------------------
// Drawing.

struct Painter<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: &'a Font,
    metrics: &'a Metrics,
}

fn fill(color: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

impl Painter<'_, '_> {
    fn draw_page(&mut self, placed: &[(f32, Item)]) {
        for (index, (top, item)) in placed.iter().enumerate() {
            for draw in &item.draws {
                match draw {
                    Draw::Text {
                        x,
                        dy,
                        text,
                        size,
                        color,
                        bold,
                    } => self.text(*x, top + dy, text, *size, *color, *bold),
                    Draw::Rect { x, dy, w, h, color } => self.rect(*x, top + dy, *w, *h, *color),
                }
            }
            if let Some(line) = item.row {
                self.split_row_borders(placed, index, *top, line);
            }
        }
    }

    /// Closes a table row that is split across pages: a top border where it continues at the top of
    /// this page, a bottom border where it breaks at the end of this page.
    fn split_row_borders(&mut self, placed: &[(f32, Item)], index: usize, top: f32, line: RowLine) {
        let (_, item) = &placed[index];
        let continues_from_before = !line.first && index.checked_sub(1).is_none_or(|i| placed[i].1.row.is_none());
        let continues_after = !line.last && placed.get(index + 1).is_none_or(|(_, next)| next.row.is_none());
        if continues_from_before {
            self.rect(LEFT, top, WIDTH, TABLE_LINE, BLACK);
        }
        if continues_after {
            self.rect(LEFT, top + item.height - TABLE_LINE, WIDTH, TABLE_LINE, BLACK);
        }
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let Some(rect) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        let Some(path) = pb.finish() else { return };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(fill(color)));
        self.surface.draw_path(&path);
    }

    /// Draws one line of cleaned text with its baseline at `y`.
    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, color: (u8, u8, u8), bold: bool) {
        let glyphs: Vec<KrillaGlyph> = text
            .char_indices()
            .map(|(i, c)| {
                let (id, advance) = self.metrics.glyph(c).unwrap_or((0, 1.0));
                KrillaGlyph::new(
                    GlyphId::new(u32::from(id)),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect();
        if glyphs.is_empty() {
            return;
        }
        self.surface.set_fill(Some(fill(color)));
        let stroke = bold.then(|| Stroke {
            paint: rgb::Color::new(color.0, color.1, color.2).into(),
            width: size * 0.025,
            ..Stroke::default()
        });
        self.surface.set_stroke(stroke);
        self.surface
            .draw_glyphs(Point::from_xy(x, y), &glyphs, self.font.clone(), text, size, false);
        self.surface.set_stroke(None);
    }
}
