//! Rendering tests. The pdftotext/pdftoppm checks run only where poppler-utils is installed
//! (`apt-get install poppler-utils`; scripts/install-browser.sh installs it in CI).

use std::path::{Path, PathBuf};
use std::process::Command;

use neibao_docgen::{render_pdf, OfficialDocument};

const NUMBER: &str = "西公(内保)限字〔2026〕第0001号";

fn sample() -> OfficialDocument {
    OfficialDocument {
        issuer: "杭州市公安局西湖区分局".into(),
        title: "限期整改通知书".into(),
        number: NUMBER.into(),
        addressee: "演示某某公司：".into(),
        paragraphs: vec![
            "根据《企业事业单位内部治安保卫条例》的规定，我局于2026年11月28日对你单位进行了检查，发现下列治安隐患："
                .into(),
            "一、重要部位未安装入侵报警装置；".into(),
            "现责令你单位于2026年12月6日前整改完毕，并将整改情况书面报告我局。".into(),
        ],
        fields: vec![
            ("整改期限".into(), "2026年12月6日".into()),
            ("检查民警".into(), "张某某、李某某".into()),
        ],
        signature: vec!["杭州市公安局西湖区分局".into(), "2026年11月29日".into()],
        footer: vec!["被检查单位签收：________".into()],
    }
}

fn empty() -> OfficialDocument {
    OfficialDocument {
        issuer: String::new(),
        title: String::new(),
        number: String::new(),
        addressee: String::new(),
        paragraphs: Vec::new(),
        fields: Vec::new(),
        signature: Vec::new(),
        footer: Vec::new(),
    }
}

/// Number of `/Type /Page` objects (not `/Pages`), from the PDF text.
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("neibao-docgen-{}-{name}", std::process::id()))
}

fn tool(name: &str) -> Option<PathBuf> {
    let path = Path::new("/usr/bin").join(name);
    path.exists().then_some(path)
}

#[test]
fn sample_is_a_pdf() {
    let pdf = render_pdf(&sample()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(page_count(&pdf) >= 1);
}

#[test]
fn long_document_flows_onto_several_pages() {
    let mut doc = sample();
    doc.paragraphs = (1..=60)
        .map(|i| format!("第{i}段：内部治安保卫工作检查情况说明，单位应当落实各项安全防范措施。"))
        .collect();
    doc.fields = (1..=40)
        .map(|i| (format!("事项{i}"), "按期整改，逐项销号。".repeat(i % 7 + 1)))
        .collect();
    let pdf = render_pdf(&doc).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let pages = page_count(&pdf);
    assert!(pages >= 4, "expected several pages, got {pages}");
}

#[test]
fn odd_input_does_not_panic() {
    let nasty = [
        String::new(),
        "\u{0}\u{1}\u{7}\u{8}\t\r\n\u{b}\u{c}\u{1b}[31m\u{7f}\u{85}\u{9f}".into(),
        "表情😀👮‍♂️🇨🇳🏳️‍🌈 组合字符 e\u{301} a\u{20e3} 零宽\u{200b}\u{200d}\u{feff}\u{fe0f} 私用区\u{e000}\u{10ffff}".into(),
        "x".repeat(5000),
        "1234567890".repeat(300),
        "supercalifragilisticexpialidocious".repeat(40),
        "，".repeat(500),
        "\u{202e}反向文字\u{202c}\u{2028}行分隔\u{2029}段分隔".into(),
        "中".repeat(10_000),
        "\n\n\n".into(),
        "   ".into(),
        "ﷺ ꧅ 𒀱 ᄀᄀᄀ ༀ".into(),
    ];
    for text in &nasty {
        let doc = OfficialDocument {
            issuer: text.clone(),
            title: text.clone(),
            number: text.clone(),
            addressee: text.clone(),
            paragraphs: vec![text.clone(), String::new(), text.clone()],
            fields: vec![(text.clone(), text.clone()), (String::new(), String::new())],
            signature: vec![text.clone(), String::new()],
            footer: vec![text.clone()],
        };
        let pdf =
            render_pdf(&doc).unwrap_or_else(|e| panic!("{e} for {:?}", text.chars().take(20).collect::<String>()));
        assert!(pdf.starts_with(b"%PDF"));
    }
    let pdf = render_pdf(&empty()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(page_count(&pdf), 1);
}

#[test]
fn ten_thousand_character_paragraph() {
    let mut doc = sample();
    let paragraph: String = "治安保卫重点单位应当设置与其任务相适应的治安保卫机构，配备专职治安保卫人员。"
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    doc.paragraphs = vec![paragraph];
    let pdf = render_pdf(&doc).unwrap();
    // 10 000 characters at 27 a line, 22 lines a page: well over 10 pages.
    assert!(page_count(&pdf) > 10);
}

#[test]
fn pdftotext_finds_the_chinese_text() {
    let Some(pdftotext) = tool("pdftotext") else {
        println!("skipped: pdftotext not installed");
        return;
    };
    let pdf_path = temp_path("text.pdf");
    std::fs::write(&pdf_path, render_pdf(&sample()).unwrap()).unwrap();
    let out = Command::new(pdftotext)
        .arg("-enc")
        .arg("UTF-8")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&pdf_path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "杭州市公安局西湖区分局",
        NUMBER,
        "限期整改通知书",
        "治安保卫条例",
        "整改期限",
        "被检查单位签收",
        "2026年11月29日",
    ] {
        assert!(text.contains(needle), "{needle:?} not in pdftotext output:\n{text}");
    }
}

#[test]
fn pdftoppm_draws_the_text() {
    let Some(pdftoppm) = tool("pdftoppm") else {
        println!("skipped: pdftoppm not installed");
        return;
    };
    let pdf_path = temp_path("pixels.pdf");
    let prefix = temp_path("pixels");
    std::fs::write(&pdf_path, render_pdf(&sample()).unwrap()).unwrap();
    let run = |format: &str| {
        let status = Command::new(&pdftoppm)
            .args([format, "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf_path)
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(status.success());
    };
    run("-png");
    let png = std::fs::read(prefix.with_extension("png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // Count dark pixels on a greyscale rendering (PGM is trivial to read, PNG would need a decoder).
    run("-gray");
    let pgm = std::fs::read(prefix.with_extension("pgm")).unwrap();
    for path in [pdf_path, prefix.with_extension("png"), prefix.with_extension("pgm")] {
        let _ = std::fs::remove_file(path);
    }
    let (width, height, pixels) = parse_pgm(&pgm);
    // A4 at 50 dpi is 413.4 × 584.6 pixels; poppler versions round differently.
    assert!(
        (412..=415).contains(&width) && (584..=586).contains(&height),
        "{width}×{height}"
    );
    let dark = pixels.iter().filter(|&&p| p < 160).count();
    let share = dark as f64 / pixels.len() as f64;
    // Text and rules cover a few percent of the page; blank would be 0, a black page 1.
    assert!((0.01..0.25).contains(&share), "dark pixel share {share}");
    // The red header: the top quarter has red rule and text, which turn mid-grey in greyscale.
    let top_dark = pixels[..width * height / 4].iter().filter(|&&p| p < 160).count();
    assert!(top_dark > 300, "top quarter dark pixels {top_dark}");
}

/// Parses a binary PGM (P5, maxval 255): width, height, pixels.
fn parse_pgm(data: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(std::str::from_utf8(&data[start..pos]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &data[pos + 1..];
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

#[test]
fn text_stays_inside_the_margins() {
    let Some(pdftotext) = tool("pdftotext") else {
        println!("skipped: pdftotext not installed");
        return;
    };
    let mut doc = sample();
    doc.issuer = "杭州市公安局西湖区分局治安保卫重点单位内部安全检查工作领导小组办公室".into();
    doc.number = "x".repeat(300);
    doc.paragraphs = vec![
        "1234567890".repeat(30),
        "supercalifragilisticexpialidocious ".repeat(10),
        format!("内保{}检查", "W".repeat(200)),
        "，。、；：".repeat(40),
        "表情😀和中文混排，".repeat(30),
    ];
    doc.fields = vec![("很长很长很长很长很长很长很长很长的标签".into(), "m".repeat(400))];
    doc.signature = vec!["签".repeat(80)];
    doc.footer = vec!["_".repeat(300)];
    let pdf_path = temp_path("bbox.pdf");
    std::fs::write(&pdf_path, render_pdf(&doc).unwrap()).unwrap();
    let out = Command::new(pdftotext)
        .arg("-bbox")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&pdf_path);
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let mm = 72.0 / 25.4;
    let (left, right) = (28.0 * mm - 0.5, (210.0 - 26.0) * mm + 0.5);
    let attr = |word: &str, name: &str| -> f64 {
        let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        word[start..].split('"').next().unwrap().parse().unwrap()
    };
    let words: Vec<&str> = html.split("<word ").skip(1).collect();
    assert!(words.len() > 20);
    for word in words {
        let (x_min, x_max) = (attr(word, "xMin"), attr(word, "xMax"));
        assert!(
            x_min >= left && x_max <= right,
            "word outside the margins ({x_min}..{x_max}): {word}"
        );
    }
}

/// No laid-out line starts with closing punctuation or ends with an opening bracket or quote,
/// wherever the line breaks fall: runs like "）”" and "）。" used to leave the "）" at the start
/// of the next line.
#[test]
fn no_line_starts_with_closing_or_ends_with_opening_punctuation() {
    let text = "你单位存在的“未达到「重要部位实体防护」的要求（W2），库房门锁损坏”问题，经责令限期整改（含复查），逾期未整改到位。";
    let closing = |c: char| "，。、；：！？）》」』】〕〉”’…".contains(c);
    let opening = |c: char| "（《「『【〔〈“‘".contains(c);
    // Leading filler moves the break points through every position of the text.
    for k in 0..40 {
        let mut doc = empty();
        doc.paragraphs = vec![format!("{}{text}", "字".repeat(k))];
        doc.fields = vec![("隐患名称".into(), format!("{}{text}", "字".repeat(k)))];
        let lines = neibao_docgen::laid_out_lines(&doc).unwrap();
        assert!(
            lines.iter().all(|l| l.chars().count() < 40),
            "the text is wrapped: {lines:?}"
        );
        assert_eq!(lines.concat().matches(text).count(), 2, "nothing lost: {lines:?}");
        for (i, l) in lines.iter().enumerate() {
            let first = l.chars().next().unwrap();
            assert!(!closing(first), "filler {k}: line {i} starts with {first:?}: {lines:?}");
            let last = l.chars().last().unwrap();
            assert!(!opening(last), "filler {k}: line {i} ends with {last:?}: {lines:?}");
        }
    }
}
