//! Writing one-sheet workbooks, shared by the import templates and every export: a bold header
//! row in Chinese (required columns in red), column widths wide enough for Chinese text (the
//! columns' own widths, in Excel character units), code columns formatted as text so Excel keeps
//! leading zeros and all 18 characters of a USCC, the header row frozen.

use neibao_domain::imports::Column;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Writes `columns` as the header row of `ws`, named `name`; `text` are the indexes of the
/// columns formatted as text.
pub fn header(ws: &mut Worksheet, name: &str, columns: &[Column], text: &[usize]) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center);
    let required = head.clone().set_font_color("#C00000");
    let text_format = Format::new().set_num_format("@");
    for (i, col) in columns.iter().enumerate() {
        let i = i as u16;
        ws.set_column_width(i, col.width)?;
        ws.write_string_with_format(0, i, col.header, if col.required { &required } else { &head })?;
    }
    for &i in text {
        ws.set_column_format(i as u16, &text_format)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A workbook of one sheet `name`: the header row of `columns`, then `rows` (cells in column
/// order, empty cells left blank), every cell written as text.
pub fn table(name: &str, columns: &[Column], text: &[usize], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header(ws, name, columns, text)?;
    for (r, row) in rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate().take(columns.len()) {
            if !cell.is_empty() {
                ws.write_string(r as u32 + 1, i as u16, cell)?;
            }
        }
    }
    book.save_to_buffer()
}
