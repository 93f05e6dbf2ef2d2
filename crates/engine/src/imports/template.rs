//! The import templates of every kind (a header row in Chinese, code columns formatted as text so
//! Excel keeps their leading zeros and all 18 characters, widths for Chinese text, a second sheet
//! 填写说明; the unit template with drop-down lists for the unit kind and the yes/no columns, the
//! account and device templates with theirs for the role, the device kind and format) and
//! a filled unit sheet of the same shape (the units export, the benchmark's and the tests' files).

use neibao_domain::access::Role;
use neibao_domain::imports::{ac, c, ka, pc, ImportKind, MAX_DATA_ROWS, UNIT_COLUMNS};
use neibao_domain::registry::PersonRole;
use neibao_domain::registry::UnitKind;
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet, XlsxError};

/// The columns of the unit sheet formatted as text (codes, phone numbers).
const UNIT_TEXT: [usize; 6] = [
    c::USCC,
    c::DIVISION,
    c::STATION,
    c::DEPARTMENT,
    c::PRINCIPAL_PHONE,
    c::SECURITY_PHONE,
];

fn header_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    super::book::header(ws, "单位", &UNIT_COLUMNS, &UNIT_TEXT)
}

/// The import template of `kind` (.xlsx bytes): its header row, the unit template's drop-down
/// lists, and a second sheet 填写说明 with each column's hint. Errors only if the writer fails
/// (never on input).
pub fn template(kind: ImportKind) -> Result<Vec<u8>, XlsxError> {
    match kind {
        ImportKind::Units => unit_template(),
        ImportKind::KeyAreas => {
            let mut book = Workbook::new();
            let ws = book.add_worksheet();
            super::book::header(ws, kind.label_zh(), kind.columns(), &[ka::USCC])?;
            help_sheet(&mut book, kind)?;
            book.save_to_buffer()
        }
        ImportKind::Accounts => {
            let roles: Vec<&str> = Role::ALL.iter().map(|r| r.label_zh()).collect();
            listed_template(kind, &[ac::ORGANISATION, ac::UNIT_USCC], (ac::ROLE, "角色", &roles))
        }
        ImportKind::Persons => {
            let roles: Vec<&str> = PersonRole::ALL.iter().map(|r| r.label_zh()).collect();
            listed_template(kind, &[pc::USCC, pc::CITIZEN_ID, pc::PHONE], (pc::ROLE, "身份", &roles))
        }
        ImportKind::Devices => device_template(),
    }
}

/// A template whose `text` columns are formatted as text and whose column `list.0` (named
/// `list.1`) takes one of `list.2` from a drop-down list.
fn listed_template(kind: ImportKind, text: &[usize], list: (usize, &str, &[&str])) -> Result<Vec<u8>, XlsxError> {
    let (col, title, choices) = list;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    super::book::header(ws, kind.label_zh(), kind.columns(), text)?;
    let validation = DataValidation::new()
        .allow_list_strings(choices)?
        .set_error_title(title)?
        .set_error_message(format!("请从下拉列表中选择{title}"))?;
    ws.add_data_validation(1, col as u16, MAX_DATA_ROWS, col as u16, &validation)?;
    help_sheet(&mut book, kind)?;
    book.save_to_buffer()
}

/// The sheet 填写说明: each column's hint, then the rules of every import.
fn help_sheet(book: &mut Workbook, kind: ImportKind) -> Result<(), XlsxError> {
    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    help.set_column_width(0, 20)?;
    help.set_column_width(1, 80)?;
    let bold = Format::new().set_bold();
    help.write_string_with_format(0, 0, "列", &bold)?;
    help.write_string_with_format(0, 1, "填写要求", &bold)?;
    let columns = kind.columns();
    for (i, col) in columns.iter().enumerate() {
        help.write_string(i as u32 + 1, 0, col.header)?;
        help.write_string(i as u32 + 1, 1, col.hint)?;
    }
    let n = columns.len() as u32 + 2;
    help.write_string(n, 0, "说明")?;
    help.write_string(
        n,
        1,
        format!(
            "只读取第一个工作表“{}”；请勿使用公式、合并单元格或隐藏工作表；每次不超过50000行；已登记且内容相同的行跳过不重复导入。",
            kind.label_zh()
        ),
    )?;
    Ok(())
}

/// The unit import template (.xlsx bytes).
fn unit_template() -> Result<Vec<u8>, XlsxError> {
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
    help_sheet(&mut book, ImportKind::Units)?;
    book.save_to_buffer()
}

/// The device import template (`设备导入模板.xlsx`): the header row (the USCC and the serial
/// number formatted as text), drop-down lists of the Chinese labels of the device kinds and the
/// ingest formats, and the sheet 填写说明. Errors only if the writer fails.
fn device_template() -> Result<Vec<u8>, XlsxError> {
    use neibao_domain::devices::{DeviceFormat, DEVICE_KINDS};
    use neibao_domain::imports::devices::dv;
    let kind = ImportKind::Devices;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    super::book::header(ws, kind.label_zh(), kind.columns(), &[dv::UNIT_USCC, dv::SERIAL])?;
    let kinds: Vec<&str> = DEVICE_KINDS.iter().map(|(_, label)| *label).collect();
    let list = DataValidation::new()
        .allow_list_strings(&kinds)?
        .set_error_title("设备类型")?
        .set_error_message("请从下拉列表中选择设备类型")?;
    ws.add_data_validation(1, dv::KIND as u16, MAX_DATA_ROWS, dv::KIND as u16, &list)?;
    let formats: Vec<&str> = DeviceFormat::ALL.iter().map(|f| f.label_zh()).collect();
    let list = DataValidation::new()
        .allow_list_strings(&formats)?
        .set_error_title("接入格式")?
        .set_error_message("请从下拉列表中选择接入格式")?;
    ws.add_data_validation(1, dv::FORMAT as u16, MAX_DATA_ROWS, dv::FORMAT as u16, &list)?;
    help_sheet(&mut book, kind)?;
    book.save_to_buffer()
}

/// A workbook in the template's shape holding `rows` (cells in [`UNIT_COLUMNS`] order).
pub fn unit_sheet(rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    super::book::table("单位", &UNIT_COLUMNS, &UNIT_TEXT, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_with_its_header() {
        for kind in ImportKind::ALL {
            let bytes = template(kind).unwrap();
            let sheet = super::super::sheet::read(&bytes).unwrap();
            let want: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
            assert_eq!(sheet.header, want);
            assert!(sheet.rows.is_empty());
        }
    }
}
