//! Writing workbooks: the unit import template (a header row in Chinese, drop-down lists for
//! the unit kind and the yes/no columns, code columns formatted as text so Excel keeps their
//! leading zeros and all 18 characters, widths for Chinese text, a second sheet 填写说明) and a
//! filled sheet of the same shape (the benchmark's and the tests' files).

use neibao_domain::imports::{c, MAX_DATA_ROWS, UNIT_COLUMNS};
use neibao_domain::registry::UnitKind;
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// The file name the template is offered under.
pub const TEMPLATE_FILE_NAME: &str = "单位导入模板.xlsx";
/// The file name the units export is offered under.
pub const EXPORT_FILE_NAME: &str = "单位列表.xlsx";

fn header_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name("单位")?;
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center);
    let required = head.clone().set_font_color("#C00000");
    let text = Format::new().set_num_format("@");
    for (i, col) in UNIT_COLUMNS.iter().enumerate() {
        let i = i as u16;
        ws.set_column_width(i, col.width)?;
        ws.write_string_with_format(0, i, col.header, if col.required { &required } else { &head })?;
    }
    for i in [
        c::USCC,
        c::DIVISION,
        c::STATION,
        c::DEPARTMENT,
        c::PRINCIPAL_PHONE,
        c::SECURITY_PHONE,
    ] {
        ws.set_column_format(i as u16, &text)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The unit import template (.xlsx bytes). Errors only if the writer fails (never on input).
pub fn unit_template() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header_sheet(ws)?;
    let last = MAX_DATA_ROWS;
    let kinds: Vec<&str> = UnitKind::ALL.iter().map(|k| k.label_zh()).collect();
    let kind = DataValidation::new()
        .allow_list_strings(&kinds)?
        .set_error_title("单位类别")?
        .set_error_message("请从下拉列表中选择：机关、团体、企业、事业单位")?;
    ws.add_data_validation(1, c::KIND as u16, last, c::KIND as u16, &kind)?;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["是", "否"])?
        .set_error_title("是或否")?
        .set_error_message("请填写“是”或“否”")?;
    for i in [c::KEY_UNIT, c::COUNTER_TERROR, c::UNIVERSITY, c::PRIVATE] {
        ws.add_data_validation(1, i as u16, last, i as u16, &yes_no)?;
    }
    let category = DataValidation::new()
        .allow_whole_number(rust_xlsxwriter::DataValidationRule::Between(1, 11))
        .set_error_title("重点单位类别")?
        .set_error_message("请填写1至11之间的类别序号")?;
    ws.add_data_validation(1, c::KEY_CATEGORY as u16, last, c::KEY_CATEGORY as u16, &category)?;
    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    help.set_column_width(0, 20)?;
    help.set_column_width(1, 80)?;
    let bold = Format::new().set_bold();
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "填写要求", &bold)?;
    for (i, col) in UNIT_COLUMNS.iter().enumerate() {
        help.write_string(i as u32 + 1, 0, col.header)?;
        help.write_string(i as u32 + 1, 1, col.hint)?;
    }
    let n = UNIT_COLUMNS.len() as u32 + 2;
    help.write_string(n, 0, "说明")?;
    help.write_string(
        n,
        1,
        "只读取第一个工作表“单位”；请勿使用公式、合并单元格或隐藏工作表；每次不超过50000行；同一统一社会信用代码已登记且内容相同的行跳过不重复导入。",
    )?;
    book.save_to_buffer()
}

/// A workbook in the template's shape holding `rows` (cells in [`UNIT_COLUMNS`] order).
pub fn unit_sheet(rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header_sheet(ws)?;
    for (r, row) in rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32 + 1, i as u16, cell)?;
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_with_its_header() {
        let bytes = unit_template().unwrap();
        let sheet = super::super::sheet::read(&bytes).unwrap();
        let want: Vec<&str> = UNIT_COLUMNS.iter().map(|c| c.header).collect();
        assert_eq!(sheet.header, want);
        assert!(sheet.rows.is_empty());
    }
}
