//! The audit log as people read it: each stable action code with its zh-CN label and a sentence
//! naming who did what to which object ("张三 上报了隐患 …"). The codes stay what is stored and
//! filtered on; the words are for the reader. Source: docs/SECURITY.md ("Audit log") and
//! docs/REQUIREMENTS.md R53 (who retrieved what, and why).

use serde::Serialize;

use super::chain::{AuditEntry, AuditRecord};

/// Every action code the services write, with its zh-CN label (for filters and columns) and
/// the past-tense phrase of the sentence. `hazard.<action>` codes come from
/// [`HAZARD_ACTIONS`]; requests refused by the web layer are `METHOD /route`.
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("session.login", "登录", "登录了系统"),
    ("session.login_failed", "登录失败", "登录失败"),
    ("session.logout", "退出登录", "退出了登录"),
    ("user.password_change", "修改密码", "修改了密码"),
    ("user.reset", "恢复账号", "恢复了账号"),
    ("user.create", "开设账号", "开设了账号"),
    ("user.update", "修改账号", "修改了账号"),
    ("user.disable", "停用账号", "停用了账号"),
    ("user.enable", "启用账号", "启用了账号"),
    ("organisation.create", "新建组织", "新建了组织"),
    ("organisation.update", "修改组织", "修改了组织"),
    ("organisation.move", "调整组织隶属", "调整了组织的上级"),
    ("organisation.merge", "合并组织", "合并了组织"),
    ("organisation.close", "撤销组织", "撤销了组织"),
    ("totp.begin", "开始绑定动态验证码", "开始绑定动态验证码"),
    ("totp.enable", "启用动态验证码", "启用了动态验证码"),
    ("totp.remove", "解除动态验证码", "解除了动态验证码"),
    ("token.create", "创建接口令牌", "创建了接口令牌"),
    ("token.revoke", "撤销接口令牌", "撤销了接口令牌"),
    ("security_settings.update", "修改安全设置", "修改了安全设置"),
    ("division.load", "载入行政区划表", "载入了行政区划表"),
    ("setup.complete", "完成初始设置", "完成了初始设置"),
    ("document.receipt", "签收文书", "签收了文书"),
    ("document.action", "反馈问题抄告处理情况", "反馈了问题抄告的处理情况"),
    ("unit.create", "登记单位", "登记了单位"),
    ("unit.update", "修改单位信息", "修改了单位信息"),
    ("unit.move", "移交单位管辖", "移交了单位管辖"),
    ("unit.deactivate", "停用单位", "停用了单位"),
    ("unit.reactivate", "恢复单位在用", "恢复了单位在用"),
    ("unit.close", "注销单位", "注销了单位"),
    ("import.units", "批量导入单位", "批量导入了单位"),
    ("import.key_areas", "批量导入重要部位", "批量导入了重要部位"),
    ("import.accounts", "批量开设账号", "批量开设了账号"),
    ("import.devices", "批量导入设备", "批量导入了设备"),
    ("import.persons", "批量导入责任人", "批量导入了责任人"),
    ("export.units", "导出单位列表", "导出了单位列表"),
    ("export.devices", "导出设备列表", "导出了设备列表"),
    ("export.alerts", "导出告警列表", "导出了告警列表"),
    ("export.hazards", "导出隐患列表", "导出了隐患列表"),
    ("export.inspections", "导出检查列表", "导出了检查列表"),
    ("key_area.create", "新建重点部位", "新建了重点部位"),
    ("key_area.update", "修改重点部位", "修改了重点部位"),
    ("key_area.deactivate", "停用重点部位", "停用了重点部位"),
    ("key_area.reactivate", "恢复重点部位在用", "恢复了重点部位在用"),
    ("key_area.close", "注销重点部位", "注销了重点部位"),
    ("armed_schedule.update", "修改布防时段", "修改了布防时段"),
    ("rule_setting.update", "修改单位预警设置", "修改了单位预警设置"),
    ("device.create", "登记设备", "登记了设备"),
    ("device.update", "修改设备", "修改了设备"),
    ("device.deactivate", "停用设备", "停用了设备"),
    ("device.reactivate", "恢复设备在用", "恢复了设备在用"),
    ("device.close", "注销设备", "注销了设备"),
    ("device.token_reissue", "重新生成接入令牌", "重新生成了设备的接入令牌"),
    ("alert.acknowledge", "确认告警", "确认了告警"),
    ("alert.resolve", "处置告警", "处置完毕告警"),
    ("alert.false_positive", "标记误报", "将告警标记为误报"),
    ("escalation_policy.update", "修改告警升级策略", "修改了告警升级策略"),
    ("alert_rule.create", "新建预警规则", "新建了预警规则"),
    ("alert_rule.update", "修改预警规则", "修改了预警规则"),
    ("alert_rule.import", "导入预警规则", "导入了预警规则"),
    ("suppression.create", "设置屏蔽时段", "设置了告警屏蔽时段"),
    ("suppression.end", "结束屏蔽时段", "提前结束了告警屏蔽时段"),
    ("rulebook.publish", "发布治安保卫制度", "发布了治安保卫制度新版本"),
    (
        "rulebook.not_applicable",
        "标记制度不适用",
        "将一类治安保卫制度标记为不适用",
    ),
    (
        "rulebook.applicable",
        "撤销制度不适用标记",
        "撤销了治安保卫制度的不适用标记",
    ),
    (
        "rulebook.acknowledge",
        "签署确认治安保卫制度",
        "签署确认（我已阅读并遵守）了治安保卫制度",
    ),
    (
        "rulebook.pdf",
        "上传制度签发文本",
        "上传了治安保卫制度版本的签发文本（PDF）",
    ),
    ("security_staff.body", "登记保卫机构", "登记（修改）了单位保卫机构"),
    ("security_staff.staff_add", "登记保卫人员", "登记了保卫人员"),
    ("security_staff.staff_update", "修改保卫人员", "修改了保卫人员信息"),
    ("security_staff.staff_remove", "移除保卫人员", "将保卫人员移出名册"),
    ("security_staff.guard_add", "登记保安员", "登记了保安员"),
    ("security_staff.guard_update", "修改保安员", "修改了保安员信息"),
    ("security_staff.guard_remove", "移除保安员", "将保安员移出名册"),
    ("security_staff.training", "登记培训考核", "登记了培训考核记录"),
    ("security_staff.record", "登记奖惩投诉", "登记了表彰、负伤或投诉记录"),
    ("channel.create", "新建通知渠道", "新建了通知渠道"),
    ("channel.enable", "启用通知渠道", "启用了通知渠道"),
    ("channel.disable", "停用通知渠道", "停用了通知渠道"),
    ("inbox.read", "阅读站内通知", "阅读了站内通知"),
    ("campaign.launch", "发起检查行动", "发起了检查行动"),
    ("campaign.hand_out", "下发检查任务", "将检查任务下发给下级单位"),
    ("inspection.assign", "指派检查人", "指派了检查人"),
    ("inspection.start", "开始检查", "开始了检查"),
    ("inspection.save", "保存检查记录", "保存了检查记录"),
    ("inspection.submit", "提交检查", "提交了检查"),
    ("hazard.report", "上报隐患", "上报了隐患"),
    ("attachment.upload", "上传附件", "上传了附件"),
    ("checklist.publish", "发布检查表", "发布了检查表"),
    ("supervision_settings.update", "修改监管设置", "修改了监管设置"),
    ("person.create", "新增责任人", "新增了责任人"),
    ("person.update", "修改责任人", "修改了责任人"),
    ("person.remove", "删除责任人", "删除了责任人"),
    ("person.reveal", "查看完整个人信息", "查看了完整个人信息"),
    ("person.lookup", "按身份证号查找", "按身份证号查找了负责人"),
    ("event.raw", "查看原始报文", "查看了原始报文"),
    ("event.image", "查看事件图片", "查看了事件图片"),
    ("retention_policy.update", "修改保存期限", "修改了保存期限"),
    ("legal_hold.create", "设置法律保全", "设置了法律保全"),
    ("legal_hold.release", "解除法律保全", "解除了法律保全"),
    ("retention.delete", "到期删除", "按保存期限删除了数据"),
    ("audit.trim", "清理过期审计记录", "清理了过期审计记录"),
    ("keys.rotate", "密钥轮换", "轮换了加密密钥"),
    (
        "video.placement",
        "登记摄像机安装位置",
        "登记了摄像机的安装位置类型和视野说明",
    ),
    (
        "video.system",
        "登记视频图像信息系统",
        "登记了视频图像信息系统的投入使用日期和存储期限",
    ),
    ("video.signage_group", "新建提示标识分组", "新建了视频提示标识分组"),
    ("video.signage_check", "登记提示标识检查", "登记了视频提示标识检查"),
    ("video.retrieval", "登记视频调阅", "登记了视频调阅（查看或导出）"),
    ("patrol.route_create", "新建巡查路线", "新建了巡查路线"),
    ("patrol.route_update", "修改巡查路线", "修改了巡查路线"),
    ("patrol.round_start", "开始巡查", "开始了一次巡查"),
    ("patrol.visit", "记录巡查点", "记录了巡查点到位"),
    ("patrol.round_finish", "结束巡查", "结束了一次巡查"),
    ("equipment.post_create", "新建岗位", "新建了防护器械岗位"),
    ("equipment.post_update", "修改岗位", "修改了防护器械岗位"),
    ("equipment.item_add", "登记防护器械", "登记了岗位的防护器械"),
    ("equipment.item_update", "修改防护器械", "修改了防护器械的数量或日期"),
    ("equipment.check", "检查防护器械", "登记了防护器械检查结果"),
    (
        "equipment.standard_save",
        "设置最低配备标准",
        "设置了防护器械最低配备标准",
    ),
    ("drill.plan", "计划应急演练", "计划了一次应急演练"),
    ("drill.start", "开始应急演练", "开始了应急演练"),
    ("drill.step", "记录演练步骤", "记录了应急演练的一个步骤"),
    ("drill.finish", "结束应急演练", "结束了应急演练"),
    ("drill.evaluate", "评估应急演练", "评估了应急演练"),
    ("drill.hazard", "演练不足转隐患", "将应急演练发现的不足登记为隐患"),
    ("drill.settings", "设定演练周期", "设定了重点单位应急演练周期"),
    ("alarm.raise", "一键报警", "一键报警，已推送值班派出所"),
    ("alarm.raise_drill", "一键报警（演练）", "发起了一键报警演练"),
    ("alarm.device", "设备紧急报警", "设备紧急按钮报警，已推送值班派出所"),
    ("alarm.arrive", "登记民警到场", "登记了报警的民警到场时间"),
    (
        "alarm.escalation_set",
        "设置一键报警升级间隔",
        "设置了一键报警未确认时的升级间隔",
    ),
    ("report.file", "报告案事件", "向公安机关报告了案事件，已推送接收派出所"),
    (
        "report.file_public",
        "群众报告可疑情况",
        "通过公众报告页报告了可疑情况，已推送属地公安机关",
    ),
    ("report.acknowledge", "签收报告", "签收了单位或群众的报告"),
    ("report.note", "登记报告处置", "登记了报告的处置情况"),
    ("report.close", "办结报告", "登记处置情况并办结了报告"),
    ("liaison.create", "设立警企联系点", "设立了警企联系点"),
    (
        "compliance.activity_create",
        "登记个人信息处理活动",
        "登记了个人信息处理活动记录",
    ),
    (
        "compliance.activity_update",
        "修改个人信息处理活动",
        "修改了个人信息处理活动记录",
    ),
    (
        "compliance.request_create",
        "登记个人信息主体请求",
        "登记了个人信息主体的权利请求",
    ),
    (
        "compliance.request_reply",
        "答复个人信息主体请求",
        "答复了个人信息主体的权利请求",
    ),
    (
        "compliance.request_refuse",
        "拒绝个人信息主体请求",
        "说明理由并拒绝了个人信息主体的权利请求",
    ),
    ("compliance.breach_create", "登记数据安全事件", "登记了个人信息安全事件"),
    (
        "compliance.breach_update",
        "修改数据安全事件",
        "修改了个人信息安全事件的情况",
    ),
    (
        "compliance.breach_notify",
        "通知数据安全事件",
        "登记了个人信息安全事件的通知",
    ),
    ("compliance.breach_close", "数据安全事件结案", "将个人信息安全事件结案"),
    (
        "compliance.settings",
        "设置主体请求答复期限",
        "设置了个人信息主体请求的答复期限和节假日",
    ),
    ("liaison.assign", "指派联系单位", "将单位指派给警企联系点"),
    ("liaison.unassign", "撤销联系单位", "撤销了单位与警企联系点的联系"),
    (
        "enterprise_request.file",
        "提交民营企业诉求",
        "向公安机关提交了民营企业诉求",
    ),
    (
        "enterprise_request.assign",
        "指派诉求承办民警",
        "指派了民营企业诉求的承办民警",
    ),
    ("enterprise_request.reply", "回复民营企业诉求", "回复了民营企业诉求"),
    (
        "enterprise_request.settings",
        "设置诉求答复期限",
        "设置了民营企业诉求的答复期限",
    ),
    ("enterprise_request.close", "办结民营企业诉求", "办结了民营企业诉求"),
    (
        "enterprise_request.rate",
        "评价诉求办理结果",
        "评价了民营企业诉求的办理结果",
    ),
    (
        "enterprise_request.overdue",
        "诉求超期",
        "将超过答复期限的民营企业诉求标记为超期",
    ),
    ("credit.record", "录入诚信记录", "录入了单位的诚信记录"),
    ("honours.apply", "申请平安单位", "申请了平安单位称号"),
    ("honours.grant", "授予平安单位", "授予了单位平安单位称号"),
    ("honours.refuse", "不予授予平安单位", "审核后未授予单位平安单位称号"),
    ("honours.revoke", "撤销平安单位", "撤销了单位的平安单位称号"),
    ("watchlist.create", "新建布控", "新建了布控名单"),
    ("watchlist.update", "修改布控", "修改了布控名单"),
    ("watchlist.activate", "启用布控", "启用了布控名单"),
    ("watchlist.deactivate", "停用布控", "停用了布控名单"),
    ("watchlist.entry_add", "添加布控对象", "向布控名单添加了布控对象"),
    ("watchlist.entry_delete", "移除布控对象", "从布控名单移除了布控对象"),
    ("watchlist.entry_photo", "查看布控照片", "查看了布控对象的照片"),
    ("watchlist.hit_confirm", "确认布控比中", "人工核验后确认了布控比中"),
    (
        "watchlist.hit_reject",
        "核验为非本人",
        "人工核验后将布控比中认定为非本人",
    ),
    ("pia.create", "起草影响评估", "起草了个人信息保护影响评估"),
    ("pia.approve", "批准影响评估", "批准了个人信息保护影响评估"),
    ("pia.delete", "删除影响评估", "删除了保存期满的个人信息保护影响评估"),
    ("assessment_campaign.launch", "发起安全评估批次", "发起了安全评估批次"),
    ("assessment.start", "开始安全评估", "为单位开始了安全评估"),
    ("assessment.save", "保存安全评估", "保存了安全评估表"),
    ("assessment.submit", "提交安全评估", "提交了安全评估表待复核"),
    ("assessment.sign", "签发安全评估", "复核并签发了安全评估结果"),
    (
        "assessment.hazards",
        "评估不合格项转隐患",
        "将安全评估的不合格项登记为隐患",
    ),
    (
        "university.profile",
        "修改高校组织信息",
        "修改了高校的党委、校长和保卫处信息",
    ),
    ("university.college", "登记院系", "为高校登记了院系"),
    ("university.campus", "登记校区", "为高校登记了校区及其重要部位"),
    ("university.dormitory", "登记宿舍楼", "为高校登记了宿舍楼"),
    ("university.duty", "登记假期值班", "登记了高校的假期值班"),
    ("semester.create", "设置学期校历", "设置了本市高校的学期校历"),
    ("semester.schedule", "安排学期安全检查", "安排了本学期的高校安全检查"),
    ("credit.object", "提出诚信异议", "对本单位的诚信记录提出了异议"),
    ("credit.withdraw", "撤销诚信记录", "复核异议后撤销了诚信记录"),
    ("credit.amend", "变更诚信记录", "复核异议后变更了诚信记录的扣分或有效期"),
    ("credit.reject", "驳回诚信异议", "复核后驳回了单位对诚信记录的异议"),
    (
        "credit_objection.overdue",
        "诚信异议超期",
        "将超过复核期限的诚信异议标记为超期",
    ),
    ("filing.open", "备案立项", "为单位开立了备案事项"),
    ("filing.save", "保存备案", "保存了备案内容"),
    ("filing.submit", "提交备案", "向公安机关提交了备案"),
    ("filing.acknowledge", "受理备案", "受理了备案"),
    ("filing.return", "退回备案", "退回了备案并说明理由"),
    ("filing.archive", "备案归档", "将备案归档"),
    ("emergency_plan.create", "新建应急预案", "新建了应急预案"),
    ("emergency_plan.edit", "修改应急预案", "保存了应急预案的新版本"),
    ("emergency_plan.submit", "提交应急预案审核", "向公安机关提交了应急预案"),
    ("emergency_plan.return", "退回应急预案", "退回了应急预案并提出意见"),
    ("emergency_plan.accept", "应急预案审核通过", "审核通过了应急预案"),
    (
        "designation.propose",
        "提议重点单位或重点目标",
        "提议确定重点单位或反恐怖重点目标",
    ),
    (
        "designation.decide",
        "登记确定决定",
        "登记了重点单位或重点目标的确定决定",
    ),
    ("designation.reject", "登记未获批准", "登记了重点单位或重点目标未获批准"),
    (
        "designation.revoke",
        "撤销重点单位或重点目标",
        "撤销了重点单位或反恐怖重点目标",
    ),
    (
        "protection_level.activate",
        "启动防范等级",
        "下达防范等级指令并通知范围内单位",
    ),
    ("protection_level.raise", "提升防范等级", "将防范等级提升为最高"),
    ("protection_level.lower", "降低防范等级", "将防范等级由最高降为加强"),
    (
        "protection_level.extend",
        "调整防范等级结束时间",
        "调整了防范等级指令的结束时间",
    ),
    ("protection_level.end", "结束防范等级", "结束了防范等级指令，恢复常态"),
    ("protection_level.acknowledge", "签收防范等级指令", "签收了防范等级指令"),
    (
        "protection_level.measures",
        "登记防范措施落实",
        "登记了防范措施的落实情况",
    ),
    ("bulletin.issue", "下发警企通报", "向辖区单位下发了警企通报"),
    ("bulletin.report", "上报风险通报", "向派出所上报了风险通报"),
    ("bulletin.read", "阅读警企通报", "阅读了警企通报"),
    ("bulletin.acknowledge", "签收警企通报", "签收了警企通报"),
    ("bulletin.remind", "提醒未签收单位", "到签收期限提醒未签收的单位"),
    ("bulletin.reply", "回复单位上报", "回复了单位上报的风险通报"),
    ("wellbeing.team.create", "组建志愿者队伍", "登记了群防群治志愿者队伍"),
    ("wellbeing.team.activity", "登记队伍活动", "登记了志愿者队伍的活动"),
    (
        "wellbeing.education.create",
        "登记宣传教育活动",
        "登记了安全宣传教育活动",
    ),
    (
        "crisis.reporters.set",
        "指定个案报告人",
        "指定了本单位心理危机个案报告人",
    ),
    ("crisis_case.create", "报告心理危机个案", "报告了心理危机个案"),
    ("crisis_case.read", "查看心理危机个案", "说明事由后查看了心理危机个案"),
    ("crisis_case.follow_up", "记录个案跟进", "记录了心理危机个案的跟进"),
    (
        "crisis_case.escalate",
        "升级通报个案",
        "向单位保卫负责人和派出所发送了心理危机升级通报",
    ),
    ("crisis_case.close", "心理危机个案结案", "结案了心理危机个案"),
];

/// The steps of a hazard's case (`hazard.<code>`), as in `supervision::ladder::Action::code`,
/// with their zh-CN labels.
pub const HAZARD_ACTIONS: &[(&str, &str)] = &[
    ("issue_order", "责令限期整改并警告"),
    ("fix_on_spot", "当场整改"),
    ("dismiss", "不构成隐患，销号"),
    ("submit_rectification", "提交整改报告"),
    ("recheck_pass", "复查合格"),
    ("recheck_fail", "复查不合格"),
    ("request_extension", "申请延期"),
    ("approve_extension", "批准延期"),
    ("refuse_extension", "不予延期"),
    ("mark_overdue", "逾期未整改"),
    ("escalate", "升级处理"),
    ("decide_fine", "作出罚款决定"),
    ("transfer_criminal", "移送司法机关"),
];

/// zh-CN names of the object kinds rows name (both the singular and the plural codes in use).
const OBJECTS: &[(&str, &str)] = &[
    ("unit", "单位"),
    ("units", "单位"),
    ("device", "设备"),
    ("devices", "设备"),
    ("key_area", "重点部位"),
    ("key_areas", "重点部位"),
    ("person", "责任人"),
    ("hazard", "隐患"),
    ("hazards", "隐患"),
    ("documents", "文书"),
    ("inspection", "检查"),
    ("inspections", "检查"),
    ("campaign", "检查行动"),
    ("campaigns", "检查行动"),
    ("alert", "告警"),
    ("alerts", "告警"),
    ("alert_rule", "预警规则"),
    ("rules", "预警规则"),
    ("rule_setting", "预警设置"),
    ("suppression", "屏蔽时段"),
    ("rulebook_version", "治安保卫制度版本"),
    ("rulebook", "治安保卫制度"),
    ("suppressions", "屏蔽时段"),
    ("channel", "通知渠道"),
    ("channels", "通知渠道"),
    ("inbox_item", "站内通知"),
    ("inbox", "站内通知"),
    ("attachment", "附件"),
    ("attachments", "附件"),
    ("checklist", "检查表"),
    ("organisation", "机关"),
    ("organisations", "组织"),
    ("events", "事件"),
    ("event", "事件"),
    ("persons", "负责人"),
    ("responsible_persons", "负责人"),
    ("users", "用户"),
    ("division_table", "行政区划表"),
    ("installation", "本系统"),
    ("me", "本人账号"),
    ("api_tokens", "接口令牌"),
    ("tokens", "接口令牌"),
    ("settings", "设置"),
    ("retention_policies", "保存期限"),
    ("retention", "保存期限"),
    ("legal_holds", "法律保全"),
    ("keys", "密钥"),
    ("audit_log", "审计日志"),
    ("escalation_policy", "告警升级策略"),
    ("import_job", "导入任务"),
    ("video_signage_group", "提示标识分组"),
    ("video_signage_check", "提示标识检查"),
    ("video_retrieval", "视频调阅登记"),
    ("video", "视频图像信息系统"),
    ("video-system", "视频图像信息系统"),
    ("patrol_route", "巡查路线"),
    ("patrol_routes", "巡查路线"),
    ("patrol_round", "巡查记录"),
    ("patrol_rounds", "巡查记录"),
    ("patrol", "巡查"),
    ("equipment_post", "防护器械岗位"),
    ("equipment_item", "防护器械"),
    ("equipment_standard", "防护器械最低配备标准"),
    ("equipment", "防护器械"),
    ("alarm", "一键报警"),
    ("alarms", "一键报警"),
    ("alarm_settings", "一键报警设置"),
    ("report", "报告"),
    ("reports", "报告"),
    ("liaison_point", "警企联系点"),
    ("pi_activity", "个人信息处理活动记录"),
    ("pi_subject_request", "个人信息主体请求"),
    ("pi_breach", "个人信息安全事件"),
    ("compliance_settings", "个人信息保护设置"),
    ("compliance", "个人信息保护"),
    ("liaison", "警企联系点"),
    ("enterprise_request", "民营企业诉求"),
    ("credit_record", "诚信记录"),
    ("safe_unit_title", "平安单位称号"),
    ("honours", "平安单位称号"),
    ("rollup", "平安建设汇总"),
    ("assessment", "安全评估"),
    ("assessments", "安全评估"),
    ("assessment_campaign", "安全评估批次"),
    ("assessment-campaigns", "安全评估批次"),
    ("credit-entries", "诚信记录"),
    ("credit_objection", "诚信异议"),
    ("credit-objections", "诚信异议"),
    ("enterprise_request_settings", "民营企业诉求设置"),
    ("enterprise-requests", "民营企业诉求"),
    ("filing", "备案"),
    ("filings", "备案"),
    ("emergency_plan", "应急预案"),
    ("emergency_plans", "应急预案"),
    ("designation", "重点单位（目标）确定"),
    ("designations", "重点单位（目标）确定"),
    ("drill", "应急演练"),
    ("drills", "应急演练"),
    ("drill_settings", "应急演练设定"),
    ("protection_level_order", "防范等级指令"),
    ("bulletin", "警企通报"),
    ("watchlist", "布控名单"),
    ("watchlists", "布控名单"),
    ("watchlist_entry", "布控对象"),
    ("watchlist_hit", "布控比中记录"),
    ("pia", "个人信息保护影响评估"),
    ("pias", "个人信息保护影响评估"),
    ("university", "高校"),
    ("university_college", "院系"),
    ("university_campus", "校区"),
    ("university_dormitory", "宿舍楼"),
    ("university_duty", "假期值班"),
    ("semester", "学期校历"),
    ("semesters", "学期校历"),
];

/// The names the system acts under ([`crate::access::Principal::system`]: the demo loader, the command line, the
/// privacy jobs, the benchmark), with the zh-CN names people read in the audit log and beside
/// the rules they saved.
pub const SYSTEM_ACTORS: &[(&str, &str)] = &[
    ("demo", "系统（演示数据）"),
    ("cli", "系统（命令行）"),
    ("system", "系统"),
    ("bench", "系统（性能测试）"),
];

/// The name of who did something, as people read it: a system actor's name
/// ([`SYSTEM_ACTORS`]) in Chinese, a user name as it is.
pub fn actor_label(name: &str) -> String {
    SYSTEM_ACTORS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.to_string(), |(_, l)| (*l).to_string())
}

/// The zh-CN label of an action code ("确认告警"); a refused request is "被拒绝的请求"; an
/// unknown code is returned as it is.
pub fn action_label(action: &str) -> String {
    if let Some((_, label, _)) = ACTIONS.iter().find(|(a, _, _)| *a == action) {
        return (*label).to_string();
    }
    if let Some(step) = action.strip_prefix("hazard.") {
        if let Some((_, label)) = HAZARD_ACTIONS.iter().find(|(a, _)| *a == step) {
            return format!("隐患：{label}");
        }
    }
    if refused_request(action).is_some() {
        return "被拒绝的请求".into();
    }
    action.to_string()
}

/// The zh-CN name of an object kind (`hazard` → 隐患); an unknown kind is returned as it is.
pub fn object_label(object_type: &str) -> String {
    OBJECTS
        .iter()
        .find(|(o, _)| *o == object_type)
        .map_or_else(|| object_type.to_string(), |(_, l)| (*l).to_string())
}

/// `("POST", "/api/v1/units/{id}")` for an action recorded by the web layer for a refused
/// request.
fn refused_request(action: &str) -> Option<(&str, &str)> {
    let (method, route) = action.split_once(' ')?;
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
        .then_some((method, route))
        .filter(|(_, r)| r.starts_with('/'))
}

/// The row as a sentence a person can read: who, what, to which object, e.g.
/// `张三 上报了隐患 01J…`, `李四 确认了告警 01J…`, `王五 尝试修改单位 01J…，被拒绝（403）`.
/// The object is omitted when it is the actor's own account.
pub fn sentence(e: &AuditEntry) -> String {
    let actor = if e.actor_name.is_empty() {
        "系统".to_string()
    } else if e.actor_id.as_deref().unwrap_or_default().is_empty() {
        actor_label(&e.actor_name)
    } else {
        e.actor_name.clone()
    };
    let object = {
        let own = e.object_type == "users" && e.actor_id.as_deref() == Some(e.object_id.as_str());
        if e.object_id.is_empty() || own {
            String::new()
        } else {
            format!(" {}", e.object_id)
        }
    };
    if let Some((_, _, verb)) = ACTIONS.iter().find(|(a, _, _)| *a == e.action) {
        return match e.action.as_str() {
            // The verb names its object already; the id of these objects says nothing more.
            "session.login" | "session.login_failed" | "session.logout" | "audit.trim" => {
                format!("{actor} {verb}")
            }
            "retention.delete" => format!("{actor} {verb}（{}）{object}", object_label(&e.object_type)),
            // An export names no object; the sentence says how many rows left the system.
            a if a.starts_with("export.") => {
                let rows = serde_json::from_str::<serde_json::Value>(&e.detail)
                    .ok()
                    .and_then(|d| d.get("rows").and_then(serde_json::Value::as_u64))
                    .map_or(String::new(), |n| format!("（共{n}行）"));
                format!("{actor} {verb}{rows}")
            }
            _ => format!("{actor} {verb}{object}"),
        };
    }
    if let Some(step) = e.action.strip_prefix("hazard.") {
        if let Some((_, label)) = HAZARD_ACTIONS.iter().find(|(a, _)| *a == step) {
            return format!("{actor} 对隐患{object} 执行了“{label}”");
        }
    }
    if let Some((method, _)) = refused_request(&e.action) {
        let verb = match method {
            "POST" => "提交",
            "DELETE" => "删除",
            _ => "修改",
        };
        let status = serde_json::from_str::<serde_json::Value>(&e.detail)
            .ok()
            .and_then(|d| d.get("status").and_then(serde_json::Value::as_u64))
            .map_or(String::new(), |s| format!("（{s}）"));
        return format!(
            "{actor} 尝试{verb}{}{object}，被拒绝{status}",
            object_label(&e.object_type)
        );
    }
    format!("{actor} 执行了操作 {}{object}", e.action)
}

/// A row of the log as the API and the page show it: the stored row (its stable codes, the
/// hash links) with the action's zh-CN label and the sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditLine {
    /// The stored row, its fields flattened into the line.
    #[serde(flatten)]
    pub record: AuditRecord,
    /// zh-CN label of `action`, e.g. `确认告警`.
    pub action_label: String,
    /// zh-CN sentence: who did what to which object, e.g. `李四 确认了告警 01J…`.
    pub sentence: String,
}

impl From<AuditRecord> for AuditLine {
    fn from(record: AuditRecord) -> AuditLine {
        AuditLine {
            action_label: action_label(&record.entry.action),
            sentence: sentence(&record.entry),
            record,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, object_type: &str, object_id: &str) -> AuditEntry {
        AuditEntry {
            actor_id: Some("u1".into()),
            actor_name: "张三".into(),
            action: action.into(),
            object_type: object_type.into(),
            object_id: object_id.into(),
            ..AuditEntry::default()
        }
    }

    #[test]
    fn system_actors_are_named_in_chinese() {
        let mut e = entry("alert_rule.import", "rules", "fire_alarm_input");
        e.actor_id = None;
        e.actor_name = "demo".into();
        assert_eq!(sentence(&e), "系统（演示数据） 导入了预警规则 fire_alarm_input");
        // A user who happens to be called `demo` keeps the name.
        e.actor_id = Some("u9".into());
        assert_eq!(sentence(&e), "demo 导入了预警规则 fire_alarm_input");
        assert_eq!(actor_label("cli"), "系统（命令行）");
        assert_eq!(actor_label("张三"), "张三");
    }

    #[test]
    fn sentences_name_actor_verb_and_object() {
        assert_eq!(sentence(&entry("hazard.report", "hazard", "h1")), "张三 上报了隐患 h1");
        assert_eq!(
            sentence(&entry("alert.acknowledge", "alert", "a1")),
            "张三 确认了告警 a1"
        );
        assert_eq!(
            sentence(&entry("hazard.issue_order", "hazard", "h1")),
            "张三 对隐患 h1 执行了“责令限期整改并警告”"
        );
        assert_eq!(
            sentence(&entry("user.password_change", "users", "u1")),
            "张三 修改了密码"
        );
        assert_eq!(sentence(&entry("session.login", "users", "u1")), "张三 登录了系统");
        let mut refused = entry("PUT /api/v1/units/{id}", "units", "x1");
        refused.detail = r#"{"status":403,"path":"/api/v1/units/x1"}"#.into();
        assert_eq!(sentence(&refused), "张三 尝试修改单位 x1，被拒绝（403）");
        assert_eq!(action_label("PUT /api/v1/units/{id}"), "被拒绝的请求");
        assert_eq!(sentence(&entry("odd.thing", "", "")), "张三 执行了操作 odd.thing");
        let mut export = entry("export.devices", "export", "");
        export.detail = r#"{"rows":12}"#.into();
        assert_eq!(sentence(&export), "张三 导出了设备列表（共12行）");
    }

    #[test]
    fn every_code_has_a_label_and_no_code_twice() {
        let mut seen = std::collections::HashSet::new();
        for (code, label, verb) in ACTIONS {
            assert!(seen.insert(*code), "{code} twice");
            assert!(!label.is_empty() && !verb.is_empty());
        }
        for (code, _) in HAZARD_ACTIONS {
            assert_ne!(action_label(&format!("hazard.{code}")), format!("hazard.{code}"));
        }
    }
}
