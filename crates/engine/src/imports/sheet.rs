//! Reading an uploaded .xlsx safely: the archive is checked before any parser reads it (a zip
//! whose entries expand past [`MAX_UNCOMPRESSED`] is refused, whatever sizes its headers
//! claim: every entry is inflated once into a counter), then the first sheet is streamed cell by
//! cell (calamine's cell reader), refusing formulas, merged cells, hidden sheets and more than
//! [`MAX_DATA_ROWS`] data rows as soon as they are seen. Memory is bounded by the checked sizes.
//!
//! Errors (all 422 unless said): `payload_too_large` (413, over 10 MB), `not_xlsx`,
//! `xlsx_too_large_uncompressed`, `xlsx_formula`, `xlsx_merged_cells`, `xlsx_hidden_sheet`,
//! `xlsx_too_many_rows`, `xlsx_bad_header`.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetVisible, Xlsx};
use neibao_domain::error::{DomainError, ErrorCode};
use neibao_domain::imports::{MAX_DATA_ROWS, MAX_XLSX_BYTES};

/// Most bytes all entries of a workbook may expand to (100 MiB).
pub const MAX_UNCOMPRESSED: u64 = 100 * 1024 * 1024;
/// Most entries a workbook may hold.
const MAX_ENTRIES: usize = 2_000;
/// Columns read per row (the template has 16; anything right of this is ignored).
const MAX_COLUMNS: u32 = 64;

/// The first sheet of a workbook as text: the header row and the non-empty data rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The first row's cells (trimmed).
    pub header: Vec<String>,
    /// `(row number as Excel shows it, cells)`, cells indexed like `header`.
    pub rows: Vec<(u32, Vec<String>)>,
}

fn refuse(code: ErrorCode) -> DomainError {
    DomainError::new(code)
}

fn cell_name(row: u32, col: u32) -> String {
    let mut name = String::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        name.insert(0, char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    format!("{name}{}", row + 1)
}

/// Checks the archive: a zip whose entries all inflate within [`MAX_UNCOMPRESSED`] (counted,
/// not trusted from the headers), with a workbook part.
pub fn check_archive(bytes: &[u8]) -> Result<(), DomainError> {
    if bytes.len() > MAX_XLSX_BYTES {
        return Err(DomainError::with_message(ErrorCode::PayloadTooLarge, "文件不超过10MB"));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refuse(ErrorCode::NotXlsx));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| refuse(ErrorCode::NotXlsx))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(ErrorCode::XlsxTooLargeUncompressed));
    }
    let mut total: u64 = 0;
    let mut workbook = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| refuse(ErrorCode::NotXlsx))?;
        if entry.name().is_ok_and(|n| n == "xl/workbook.xml") {
            workbook = true;
        }
        if entry.size() > MAX_UNCOMPRESSED - total {
            return Err(refuse(ErrorCode::XlsxTooLargeUncompressed));
        }
        let left = MAX_UNCOMPRESSED - total;
        let n = std::io::copy(&mut (&mut entry).take(left + 1), &mut std::io::sink())
            .map_err(|_| refuse(ErrorCode::NotXlsx))?;
        total += n;
        if total > MAX_UNCOMPRESSED {
            return Err(refuse(ErrorCode::XlsxTooLargeUncompressed));
        }
    }
    if !workbook {
        return Err(refuse(ErrorCode::NotXlsx));
    }
    Ok(())
}

/// The text of a cell: numbers without a trailing `.0` when whole, booleans as 是/否.
fn text(v: &DataRef<'_>) -> Result<String, ()> {
    Ok(match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) => return Err(()),
    })
}

/// Reads the first sheet of a checked workbook (see [`check_archive`]).
pub fn read(bytes: &[u8]) -> Result<Sheet, DomainError> {
    check_archive(bytes)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| refuse(ErrorCode::NotXlsx))?;
    let sheets = book.sheets_metadata().to_vec();
    if sheets.iter().any(|s| s.visible != SheetVisible::Visible) {
        return Err(refuse(ErrorCode::XlsxHiddenSheet));
    }
    let Some(first) = sheets.first().map(|s| s.name.clone()) else {
        return Err(refuse(ErrorCode::NotXlsx));
    };
    match book.merge_cells_by_sheet_name(&first) {
        Ok(m) if !m.is_empty() => {
            let d = &m[0];
            return Err(DomainError::with_message(
                ErrorCode::XlsxMergedCells,
                format!(
                    "表格含合并单元格（{}:{}），请取消合并后再上传",
                    cell_name(d.start.0, d.start.1),
                    cell_name(d.end.0, d.end.1)
                ),
            ));
        }
        Ok(_) => {}
        Err(_) => return Err(refuse(ErrorCode::NotXlsx)),
    }
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| refuse(ErrorCode::NotXlsx))?;
    let mut sheet = Sheet::default();
    let mut current: Option<(u32, Vec<String>)> = None;
    loop {
        let cell = match cells.next_cell_with_formula_metadata() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => return Err(refuse(ErrorCode::NotXlsx)),
        };
        let (row, col) = cell.pos;
        if cell.formula.is_some() {
            return Err(DomainError::with_message(
                ErrorCode::XlsxFormula,
                format!("单元格 {} 含公式，请将公式转换为数值后再上传", cell_name(row, col)),
            ));
        }
        if col >= MAX_COLUMNS {
            continue;
        }
        let value = text(&cell.value).map_err(|_| {
            DomainError::with_message(
                ErrorCode::NotXlsx,
                format!("单元格 {} 含错误值（如 #N/A），请修正后再上传", cell_name(row, col)),
            )
        })?;
        if value.is_empty() {
            continue;
        }
        if row > MAX_DATA_ROWS {
            return Err(refuse(ErrorCode::XlsxTooManyRows));
        }
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            push_row(&mut sheet, current.take());
        }
        let entry = current.get_or_insert_with(|| (row, Vec::new()));
        let col = col as usize;
        if entry.1.len() <= col {
            entry.1.resize(col + 1, String::new());
        }
        entry.1[col] = value;
    }
    push_row(&mut sheet, current.take());
    Ok(sheet)
}

fn push_row(sheet: &mut Sheet, row: Option<(u32, Vec<String>)>) {
    let Some((r, cells)) = row else { return };
    if r == 0 {
        sheet.header = cells;
    } else {
        sheet.rows.push((r + 1, cells));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_are_as_excel_shows_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(1, 26), "AA2");
    }

    #[test]
    fn garbage_is_not_a_workbook() {
        assert_eq!(read(b"hello").unwrap_err().code, ErrorCode::NotXlsx);
        assert_eq!(read(b"PK\x03\x04garbage").unwrap_err().code, ErrorCode::NotXlsx);
    }
}
