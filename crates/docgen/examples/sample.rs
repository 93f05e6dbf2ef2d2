//! Writes a sample 限期整改通知书 as PDF: `cargo run -p neibao-docgen --example sample -- out.pdf`.

use neibao_docgen::{render_pdf, OfficialDocument};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "docgen-sample.pdf".into());
    let doc = OfficialDocument {
        issuer: "杭州市公安局西湖区分局".into(),
        title: "限期整改通知书".into(),
        number: "西公(内保)限字〔2026〕第0001号".into(),
        addressee: "演示某某公司：".into(),
        paragraphs: vec![
            "根据《企业事业单位内部治安保卫条例》的规定，我局于2026年11月28日对你单位进行了治安保卫工作检查，发现你单位存在下列治安隐患：".into(),
            "一、重要部位（财务室、档案室）未安装入侵报警装置，视频监控系统录像保存期限不足30日；".into(),
            "二、门卫值班登记制度落实不到位，外来人员及车辆进出未按规定登记。".into(),
            "现责令你单位于2026年12月6日前整改完毕，并将整改情况书面报告我局。逾期不整改的，我局将依法予以处理。".into(),
        ],
        fields: vec![
            ("检查日期".into(), "2026年11月28日".into()),
            ("整改期限".into(), "2026年12月6日".into()),
            ("检查民警".into(), "张某某（警号012345）、李某某（警号012346）".into()),
        ],
        signature: vec!["杭州市公安局西湖区分局".into(), "2026年11月29日".into()],
        footer: vec!["被检查单位签收：____________    签收日期：______年____月____日".into()],
    };
    let pdf = render_pdf(&doc).expect("render");
    std::fs::write(&path, pdf).expect("write");
    eprintln!("wrote {path}");
}
