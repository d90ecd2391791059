/**
 * Demo exam papers. The questions are original, written for this demo on the published
 * syllabus topics; they are not taken from any real exam. Keys were checked against the
 * standard textbook positions (and, for law items, the Civil Code and the 2023 Company Law).
 */
import type { AnswerKey, CaseText, Item, Option, Paper } from './types.js';

export interface DemoPaper {
  paper: Paper;
  answerKey: AnswerKey;
}

function options(texts: readonly string[]): Option[] {
  return texts.map((text, i) => ({ key: String.fromCharCode(65 + i), text }));
}

/** Collects items with sequential ids (`J-ECON-001`, …) and their keys side by side. */
function paperBuilder(paperId: string) {
  const items: Item[] = [];
  const answerKey: AnswerKey = {};
  const nextId = (): string => `${paperId}-${String(items.length + 1).padStart(3, '0')}`;
  const withCase = (caseId: string | undefined): { caseId?: string } => (caseId ? { caseId } : {});

  return {
    items,
    answerKey,
    single(stem: string, texts: readonly string[], answer: string, points = 1, caseId?: string): void {
      const id = nextId();
      items.push({ id, kind: 'single', stem, options: options(texts), points, ...withCase(caseId) });
      answerKey[id] = answer;
    },
    multiple(stem: string, texts: readonly string[], answer: string[], points = 2, caseId?: string): void {
      const id = nextId();
      items.push({ id, kind: 'multiple', stem, options: options(texts), points, ...withCase(caseId) });
      answerKey[id] = answer;
    },
    truefalse(stem: string, answer: boolean, points = 1): void {
      const id = nextId();
      items.push({ id, kind: 'truefalse', stem, points });
      answerKey[id] = answer;
    },
    text(stem: string, points: number, maxChars: number, caseId: string): void {
      const id = nextId();
      items.push({ id, kind: 'text', stem, points, maxChars, caseId });
      answerKey[id] = null;
    },
  };
}

const MULTIPLE_RULE =
  '每题的备选项中，有 2 个或 2 个以上符合题意，至少有 1 个错项。错选，本题不得分；少选，所选的每个选项得 0.5 分';

function juniorEconomics(): DemoPaper {
  const paperId = 'J-ECON';
  const b = paperBuilder(paperId);

  // 一、单项选择题（20 题，每题 1 分）
  b.single(
    '在其他条件不变的情况下，某种商品的替代品价格上升，会导致该商品（  ）。',
    ['需求曲线向左移动', '需求曲线向右移动', '供给曲线向右移动', '需求量沿原需求曲线增加'],
    'B',
  );
  b.single(
    '政府对某种农产品实行保护价格，且保护价格高于市场均衡价格时，该农产品市场最可能出现的现象是（  ）。',
    ['供给短缺', '排队抢购', '供给过剩', '黑市交易'],
    'C',
  );
  b.single(
    '某商品价格由每件 10 元上涨到 12 元，需求量由 1000 件减少到 900 件。以变动前的价格和需求量为基数计算，该商品需求价格弹性系数的绝对值为（  ）。',
    ['0.2', '0.5', '1.0', '2.0'],
    'B',
  );
  b.single(
    '如果某商品的需求价格弹性系数大于 1，企业适当降低该商品的价格，其销售收入将（  ）。',
    ['减少', '不变', '无法判断', '增加'],
    'D',
  );
  b.single(
    '两种商品的需求交叉弹性系数为负值，说明这两种商品之间是（  ）关系。',
    ['替代', '互补', '无关', '正相关'],
    'B',
  );
  b.single(
    '下列市场中，最接近完全竞争市场的是（  ）。',
    ['城市自来水供应市场', '汽车制造市场', '小麦等农产品市场', '民航客运市场'],
    'C',
  );
  b.single(
    '完全垄断企业实现利润最大化的条件是（  ）。',
    ['价格等于平均成本', '边际收益等于边际成本', '价格等于边际成本', '平均收益等于平均可变成本'],
    'B',
  );
  b.single(
    '在短期中，随着产量的增加，平均固定成本将（  ）。',
    ['持续下降', '持续上升', '先下降后上升', '保持不变'],
    'A',
  );
  b.single(
    '用支出法核算国内生产总值时，下列各项中应当计入的是（  ）。',
    ['政府向居民发放的失业救济金', '居民购买的二手住房', '居民购买的股票', '企业新建厂房的支出'],
    'D',
  );
  b.single(
    '当经济处于严重衰退时，政府适宜采取的财政政策措施是（  ）。',
    ['增加税收、减少政府支出', '减少税收、增加政府支出', '增加税收、增加政府支出', '减少税收、减少政府支出'],
    'B',
  );
  b.single(
    '下列财政制度安排中，能够发挥“自动稳定器”作用的是（  ）。',
    ['政府临时追加基础设施投资', '中央银行下调再贴现率', '累进税率的个人所得税制度', '发行特别国债'],
    'C',
  );
  b.single(
    '中央银行在公开市场上买入政府债券，其直接结果是（  ）。',
    ['基础货币增加', '基础货币减少', '法定存款准备金率提高', '商业银行超额准备金减少'],
    'A',
  );
  b.single(
    '假定法定存款准备金率为 10%，不考虑现金漏损和超额准备金，则商业银行体系的存款乘数为（  ）。',
    ['5', '20', '100', '10'],
    'D',
  );
  b.single(
    '商业银行最基本、最能反映其经营活动特征的职能是（  ）。',
    ['支付中介', '信用中介', '信用创造', '金融服务'],
    'B',
  );
  b.single('一组数据为 3、5、7、9、11、13，这组数据的中位数是（  ）。', ['7', '8', '8.5', '9'], 'B');
  b.single('下列统计量中，最容易受极端值影响的是（  ）。', ['众数', '中位数', '算术平均数', '四分位数'], 'C');
  b.single(
    '会计基本等式是（  ）。',
    ['资产 = 负债 + 所有者权益', '资产 + 负债 = 所有者权益', '收入 − 费用 = 资产', '利润 = 资产 − 负债'],
    'A',
  );
  b.single(
    '下列资产项目中，属于流动资产的是（  ）。',
    ['固定资产', '无形资产', '长期股权投资', '应收账款'],
    'D',
  );
  b.single(
    '根据《中华人民共和国民法典》，以非对话方式作出的要约，自（  ）时生效。',
    ['要约人发出要约', '要约到达受要约人', '受要约人作出承诺', '合同书签字盖章'],
    'B',
  );
  b.single(
    '根据《中华人民共和国公司法》，有限责任公司的股东以其（  ）为限对公司承担责任。',
    ['实缴的出资额', '认缴的出资额', '个人全部财产', '上一年度分得的利润'],
    'B',
  );

  // 二、多项选择题（10 题，每题 2 分）
  b.multiple(
    '影响需求价格弹性的因素主要有（  ）。',
    [
      '替代品的数量和相近程度',
      '生产技术水平的高低',
      '商品用途的多少',
      '商品在消费者生活中的重要程度',
      '所考察时间的长短',
    ],
    ['A', 'C', 'D', 'E'],
  );
  b.multiple(
    '形成完全垄断市场的原因主要有（  ）。',
    [
      '不同企业的产品之间存在一定差别',
      '政府垄断',
      '对某些特殊原材料的单独控制',
      '对某些产品的专利权',
      '自然垄断',
    ],
    ['B', 'C', 'D', 'E'],
  );
  b.multiple(
    '下列政策措施中，属于扩张性财政政策的有（  ）。',
    ['减少税收', '提高法定存款准备金率', '增加政府购买支出', '增加政府转移支付', '在公开市场卖出政府债券'],
    ['A', 'C', 'D'],
  );
  b.multiple(
    '中央银行的一般性货币政策工具包括（  ）。',
    ['消费者信用控制', '再贴现', '公开市场操作', '道义劝告', '法定存款准备金率'],
    ['B', 'C', 'E'],
  );
  b.multiple(
    '用收入法核算国内生产总值时，其构成项目包括（  ）。',
    ['劳动者报酬', '净出口', '生产税净额', '固定资产折旧', '营业盈余'],
    ['A', 'C', 'D', 'E'],
  );
  b.multiple(
    '下列统计量中，可以用来反映数据集中趋势的有（  ）。',
    ['方差', '众数', '极差', '中位数', '标准差'],
    ['B', 'D'],
  );
  b.multiple(
    '下列会计要素中，反映企业财务状况的有（  ）。',
    ['收入', '资产', '负债', '利润', '所有者权益'],
    ['B', 'C', 'E'],
  );
  b.multiple(
    '根据《中华人民共和国民法典》，下列合同中，属于无效合同的有（  ）。',
    [
      '无民事行为能力人订立的合同',
      '因重大误解订立的合同',
      '行为人与相对人恶意串通，损害他人合法权益的合同',
      '一方以欺诈手段，使对方在违背真实意思的情况下订立的合同',
      '违背公序良俗的合同',
    ],
    ['A', 'C', 'E'],
  );
  b.multiple(
    '根据《中华人民共和国公司法》，下列事项中，属于有限责任公司股东会职权的有（  ）。',
    [
      '修改公司章程',
      '决定聘任或者解聘公司经理',
      '对公司增加或者减少注册资本作出决议',
      '决定公司内部管理机构的设置',
    ],
    ['A', 'C'],
  );
  b.multiple(
    '下列商业银行业务中，属于负债业务的有（  ）。',
    ['发放贷款', '吸收存款', '办理支付结算', '同业拆入资金', '向中央银行借款'],
    ['B', 'D', 'E'],
  );

  // 三、判断题（5 题，每题 1 分）
  b.truefalse('在其他条件不变时，商品自身价格变动引起的是需求量的变动，而不是需求的变动。', true);
  b.truefalse('在垄断竞争市场中，各企业生产的产品是完全同质、没有差别的。', false);
  b.truefalse('中央银行提高再贴现率，通常会促使商业银行扩大信贷规模。', false);
  b.truefalse('在平均数相同的情况下，一组数据的标准差越大，说明数据的离散程度越大。', true);
  b.truefalse('根据《中华人民共和国民法典》，除法律另有规定或者当事人另有约定外，承诺生效时合同成立。', true);

  return {
    paper: {
      paperId,
      subjectCode: 'J-ECON',
      title: '初级经济专业技术资格考试 经济基础知识（演示卷）',
      instructions: [
        '本试卷共 35 题，满分 45 分，考试时间 90 分钟。',
        '一、单项选择题（共 20 题，每题 1 分。每题的备选项中，只有 1 个最符合题意）。',
        `二、多项选择题（共 10 题，每题 2 分。${MULTIPLE_RULE}）。`,
        '三、判断题（共 5 题，每题 1 分。请判断每题的表述是否正确）。',
        '本卷为演示试卷，题目为原创练习题，不代表正式考试内容。',
      ].join('\n'),
      cases: [],
      items: b.items,
    },
    answerKey: b.answerKey,
  };
}

function juniorBusiness(): DemoPaper {
  const paperId = 'J-BIZ';
  const b = paperBuilder(paperId);
  const case1: CaseText = {
    id: 'J-BIZ-C1',
    title: '案例一 某家电企业的智能空调项目',
    text:
      '某家电企业主营空调和冰箱。近年来国内家电市场竞争加剧，产品同质化严重，企业利润率持续下降。' +
      '企业通过环境分析发现：自身拥有较强的压缩机研发能力和覆盖全国的售后服务网络，' +
      '但品牌在年轻消费群体中的认知度不高；与此同时，智能家居需求快速增长，而原材料价格波动较大。' +
      '为此，企业决定开发一款具有远程控制功能的智能空调，并拟定了三种生产方案：方案一为新建生产线，' +
      '方案二为改造现有生产线，方案三为委托外部企业生产。经测算，在市场需求高、中、低三种状态下，' +
      '各方案的年收益分别为：方案一 600 万元、300 万元、−100 万元；方案二 450 万元、280 万元、50 万元；' +
      '方案三 300 万元、200 万元、100 万元。市场需求高、中、低的概率分别为 0.3、0.5、0.2。',
  };
  const case2: CaseText = {
    id: 'J-BIZ-C2',
    title: '案例二 某食品公司的新品上市',
    text:
      '某食品公司计划推出一款低糖燕麦饮品。经过市场调研，公司按照年龄、收入和生活方式等因素对饮料市场进行细分，' +
      '最终选定 25～40 岁、注重健康的城市白领作为目标顾客，并将产品定位为“健康、便捷的高品质早餐饮品”。' +
      '新品上市初期，公司将零售价定为每瓶 10 元，明显高于同类普通饮品，希望在竞争者大量进入之前尽快收回研发投入。' +
      '销售渠道方面，产品同时进入写字楼周边的便利店和公司自营的电商旗舰店；推广方面，公司在社交媒体上投放广告，' +
      '并在写字楼大堂向上班族免费赠送试饮装。经测算，该产品的单位变动成本为 4 元，每年固定成本为 120 万元。',
  };

  // 一、单项选择题（15 题，每题 1 分）
  b.single(
    '在企业管理的各项职能中，处于首要地位的是（  ）。',
    ['计划职能', '组织职能', '领导职能', '控制职能'],
    'A',
  );
  b.single('在 SWOT 分析中，字母“W”代表企业的（  ）。', ['优势', '劣势', '机会', '威胁'], 'B');
  b.single(
    '在波士顿矩阵中，市场增长率高、相对市场占有率低的业务属于（  ）。',
    ['明星业务', '金牛业务', '问题业务（幼童业务）', '瘦狗业务'],
    'C',
  );
  b.single(
    '在波特提出的五种竞争力量模型中，不包括（  ）。',
    ['潜在进入者的威胁', '替代品的威胁', '购买者的议价能力', '政府的行业管制'],
    'D',
  );
  b.single(
    '企业通过提供与众不同、且被顾客认为有价值的产品或服务来获取竞争优势，这种战略属于（  ）。',
    ['成本领先战略', '差异化战略', '集中化战略', '多元化战略'],
    'B',
  );
  b.single(
    '在不确定型决策中，先找出每个方案在各种自然状态下的最小收益值，再从中选取最大者所对应的方案，这种决策方法遵循的是（  ）。',
    ['乐观原则', '折中原则', '悲观原则', '后悔值原则'],
    'C',
  );
  b.single(
    '在产品生命周期中，销售额迅速增长、利润快速上升、竞争者开始大量进入的阶段是（  ）。',
    ['导入期', '成长期', '成熟期', '衰退期'],
    'B',
  );
  b.single(
    '企业在新产品上市初期把价格定得较高，以期在短期内获取较高利润的定价策略是（  ）。',
    ['撇脂定价策略', '渗透定价策略', '满意定价策略', '尾数定价策略'],
    'A',
  );
  b.single(
    '在市场营销组合“4P”中，不包括的要素是（  ）。',
    ['产品（Product）', '价格（Price）', '人员（People）', '促销（Promotion）'],
    'C',
  );
  b.single(
    '某设备组共有同类设备 5 台，每台设备每天工作 2 班，每班 8 小时，全年有效工作日为 250 天，设备计划停修率为 10%，单位产品台时定额为 2 小时。该设备组的年生产能力为（  ）件。',
    ['8000', '9000', '10000', '18000'],
    'B',
  );
  b.single(
    '在库存管理的 ABC 分类法中，A 类物资的特点是（  ）。',
    ['品种数量多、占用资金多', '品种数量多、占用资金少', '品种数量少、占用资金少', '品种数量少、占用资金多'],
    'D',
  );
  b.single(
    '企业将某项技术开发任务交给高等院校或科研院所完成，并支付相应费用，这种研发模式属于（  ）。',
    ['自主研发', '合作研发', '委托研发', '模仿创新'],
    'C',
  );
  b.single(
    '下列人力资源需求预测方法中，属于定性预测方法的是（  ）。',
    ['转换比率分析法', '一元回归分析法', '德尔菲法', '趋势外推法'],
    'C',
  );
  b.single(
    '某企业将 100 万元存入银行，年利率为 5%，按复利计算，2 年后的本利和为（  ）万元。',
    ['110.00', '110.25', '105.00', '115.76'],
    'B',
  );
  b.single('在企业文化的结构中，处于核心层次的是（  ）。', ['物质层', '行为层', '制度层', '精神层'], 'D');

  // 二、多项选择题（8 题，每题 2 分）
  b.multiple(
    '按照战略的层次划分，企业战略一般包括（  ）。',
    ['企业职能战略', '营销组合战略', '企业总体战略', '国际化战略', '企业业务战略'],
    ['A', 'C', 'E'],
  );
  b.multiple(
    '企业成长战略中，密集型成长战略的主要类型有（  ）。',
    ['多元化战略', '市场渗透战略', '市场开发战略', '产品开发战略', '紧缩战略'],
    ['B', 'C', 'D'],
  );
  b.multiple(
    '消费者市场细分的依据主要有（  ）。',
    ['地理因素', '人口因素', '心理因素', '行为因素', '用户规模'],
    ['A', 'B', 'C', 'D'],
  );
  b.multiple(
    '下列定价方法中，属于成本导向定价法的有（  ）。',
    ['认知价值定价法', '成本加成定价法', '随行就市定价法', '目标利润定价法', '密封投标定价法'],
    ['B', 'D'],
  );
  b.multiple(
    '生产现场“5S”管理的内容包括（  ）。',
    ['整理', '整顿', '安全', '清扫', '素养'],
    ['A', 'B', 'D', 'E'],
  );
  b.multiple(
    '按照创新的对象划分，技术创新可以分为（  ）。',
    ['产品创新', '渐进性创新', '工艺创新', '根本性创新'],
    ['A', 'C'],
  );
  b.multiple(
    '下列各项中，属于员工间接薪酬（福利）的有（  ）。',
    ['基本工资', '社会保险', '带薪休假', '绩效奖金', '住房公积金'],
    ['B', 'C', 'E'],
  );
  b.multiple(
    '下列筹资方式中，属于股权筹资的有（  ）。',
    ['发行普通股', '银行借款', '吸收直接投资', '发行公司债券', '融资租赁'],
    ['A', 'C'],
  );

  // 三、案例分析题（2 组，每题 2 分，单选或多选）
  b.single(
    '该企业“品牌在年轻消费群体中的认知度不高”，在 SWOT 分析中属于（  ）。',
    ['优势', '劣势', '机会', '威胁'],
    'B',
    2,
    case1.id,
  );
  b.multiple(
    '根据案例，下列因素中属于该企业外部环境因素的有（  ）。',
    [
      '智能家居需求快速增长',
      '拥有覆盖全国的售后服务网络',
      '原材料价格波动较大',
      '国内家电市场竞争加剧',
      '拥有较强的压缩机研发能力',
    ],
    ['A', 'C', 'D'],
    2,
    case1.id,
  );
  b.single(
    '采用期望损益决策法，方案一的期望收益为（  ）万元。',
    ['210', '285', '310', '400'],
    'C',
    2,
    case1.id,
  );
  b.single(
    '若不考虑各种市场需求状态的概率，企业采用悲观原则进行决策，应选择（  ）。',
    ['方案一', '方案二', '方案三', '三个方案均可'],
    'C',
    2,
    case1.id,
  );
  b.single(
    '公司按照“生活方式”细分市场，生活方式属于（  ）细分变量。',
    ['地理', '人口', '心理', '行为'],
    'C',
    2,
    case2.id,
  );
  b.single(
    '该产品上市初期采用的定价策略是（  ）。',
    ['渗透定价策略', '撇脂定价策略', '满意定价策略', '尾数定价策略'],
    'B',
    2,
    case2.id,
  );
  b.single(
    '按每瓶 10 元的售价计算，该产品的年盈亏平衡点销售量为（  ）万瓶。',
    ['12', '20', '30', '40'],
    'B',
    2,
    case2.id,
  );
  b.multiple(
    '案例中该公司采用的促销方式有（  ）。',
    ['广告', '人员推销', '营业推广', '公共关系'],
    ['A', 'C'],
    2,
    case2.id,
  );

  return {
    paper: {
      paperId,
      subjectCode: 'J-BIZ',
      title: '初级经济专业技术资格考试 工商管理专业知识和实务（演示卷）',
      instructions: [
        '本试卷共 31 题，满分 47 分，考试时间 90 分钟。',
        '一、单项选择题（共 15 题，每题 1 分。每题的备选项中，只有 1 个最符合题意）。',
        `二、多项选择题（共 8 题，每题 2 分。${MULTIPLE_RULE}）。`,
        '三、案例分析题（共 2 组 8 题，每题 2 分。由单项选择题和多项选择题组成，多项选择题的评分规则同上）。作答时可使用分屏查看案例材料。',
        '本卷为演示试卷，题目为原创练习题，不代表正式考试内容。',
      ].join('\n'),
      cases: [case1, case2],
      items: b.items,
    },
    answerKey: b.answerKey,
  };
}

function seniorPractice(): DemoPaper {
  const paperId = 'S-PRAC';
  const b = paperBuilder(paperId);
  const case1: CaseText = {
    id: 'S-PRAC-C1',
    title: '案例一 某连锁超市集团的战略转型',
    text:
      '某区域连锁超市集团成立于 2003 年，在东北地区拥有门店 260 家，年销售额约 85 亿元。' +
      '近年来，社区团购和即时配送平台快速兴起，消费者购物习惯加速向线上转移，集团门店客流量连续三年下降，' +
      '平均毛利率由 21% 降至 17%。与此同时，集团在生鲜采购方面具有明显优势：与 400 余家农民专业合作社建立了长期合作关系，' +
      '自建的冷链物流中心可覆盖区域内主要城市，生鲜损耗率低于行业平均水平。但集团信息系统建设滞后，会员数据分散在各门店，' +
      '难以开展精准营销；门店员工平均年龄偏大，数字化技能不足。\n' +
      '为扭转经营局面，集团管理层提出三项设想：一是收购一家区域性生鲜食品加工企业，向产业链上游延伸；' +
      '二是与本地即时配送平台合作，推出“线上下单、门店 30 分钟送达”服务；三是关闭 40 家连续亏损的门店，' +
      '集中资源改造核心商圈门店。董事会要求战略发展部在三个月内提交完整的战略方案。',
  };
  const case2: CaseText = {
    id: 'S-PRAC-C2',
    title: '案例二 某软件公司的组织调整与绩效改革',
    text:
      '某软件公司成立十年，员工由最初的 30 人增长到 1200 人，业务从单一的财务软件扩展到政务云、工业互联网和智慧医疗三个领域。' +
      '公司目前采用直线职能制组织结构，研发、销售、实施和客户服务分别由总部职能部门统一管理。随着业务扩张，问题逐渐显现：' +
      '不同行业客户的需求差异很大，销售与研发部门之间协调困难，一个定制项目往往需要总经理亲自出面协调；' +
      '各项业务的盈亏难以单独核算，部门之间相互推诿。\n' +
      '在人力资源管理方面，公司对所有研发人员实行统一的月度考核，考核指标主要是出勤率和代码提交量，' +
      '考核结果虽与奖金挂钩，但不同等级之间的奖金差距很小。近一年来，核心技术骨干的离职率达到 18%，' +
      '离职面谈显示，员工普遍认为考核“只看数量、不看质量”，个人职业发展通道也不清晰。' +
      '公司计划在下一年度调整组织结构，并改革绩效考核与激励制度。',
  };
  const case3: CaseText = {
    id: 'S-PRAC-C3',
    title: '案例三 某机械制造企业的投资与筹资决策',
    text:
      '某机械制造企业拟投资建设一条智能化生产线，用于生产新能源汽车零部件。项目初始投资 1000 万元，于建设起点一次性投入，' +
      '当年建成投产；项目寿命期为 5 年，期满无残值。经测算，项目投产后每年可产生现金净流量 300 万元。' +
      '企业要求的最低投资报酬率（折现率）为 10%，已知 (P/A,10%,5) = 3.7908。\n' +
      '企业目前的资产负债率为 65%，高于同行业平均水平（约 50%）。财务部门提出两种筹资方案：' +
      '甲方案为向银行借入 5 年期贷款 1000 万元，年利率 5%；乙方案为向现有股东和战略投资者定向增发股票，募集资金 1000 万元。' +
      '部分董事担心，若新能源汽车市场需求不及预期，项目每年的现金净流量可能降至 220 万元。',
  };

  b.text('运用 SWOT 分析法，分析该集团面临的优势、劣势、机会和威胁。', 15, 1000, case1.id);
  b.text(
    '集团管理层提出的三项设想分别属于何种战略类型？请评价其可行性，并就战略的实施提出建议。',
    20,
    1500,
    case1.id,
  );
  b.text(
    '该公司现行的直线职能制组织结构存在哪些问题？若改为事业部制组织结构，应如何划分事业部？请说明事业部制的优点及实施中需要注意的问题。',
    15,
    1000,
    case2.id,
  );
  b.text(
    '针对研发人员绩效考核与激励中存在的问题，请设计改进方案（可从考核指标、考核周期、考核结果应用和职业发展通道等方面论述）。',
    20,
    1500,
    case2.id,
  );
  b.text(
    '计算该项目的净现值，并判断项目在财务上是否可行；若每年现金净流量降至 220 万元，结论是否发生变化？请写出计算过程。',
    10,
    800,
    case3.id,
  );
  b.text(
    '结合企业的资本结构和项目风险，比较甲、乙两种筹资方案的利弊，并提出你的筹资建议。',
    20,
    1500,
    case3.id,
  );

  return {
    paper: {
      paperId,
      subjectCode: 'S-PRAC',
      title: '高级经济专业技术资格考试 高级经济实务（工商管理）（演示卷）',
      instructions: [
        '本试卷共 6 题，满分 100 分，考试时间 180 分钟。',
        '本试卷由 3 道案例分析题组成，每道案例下设 2 个问题。请先阅读案例材料，再在各题的答题框内录入答案。',
        '答案须使用键盘录入，可使用微软拼音、极点五笔、搜狗拼音输入法；每题作答字数不得超过答题框显示的上限。',
        '计算题须写出计算过程，只写结果不得分。',
        '本卷为演示试卷，题目为原创练习题，不代表正式考试内容。',
      ].join('\n'),
      cases: [case1, case2, case3],
      items: b.items,
    },
    answerKey: b.answerKey,
  };
}

/** The three demo papers with their keys: J-ECON, J-BIZ (junior), S-PRAC (senior, 工商管理). */
export function demoPapers(): DemoPaper[] {
  return [juniorEconomics(), juniorBusiness(), seniorPractice()];
}

const SYNTHETIC_TOPICS = [
  '需求价格弹性',
  '边际成本',
  '国内生产总值',
  '财政政策',
  '货币供应量',
  '商业银行',
  '统计指数',
  '会计要素',
  '合同效力',
  '公司治理',
  '市场细分',
  '生产能力',
  '库存管理',
  '技术创新',
  '绩效考核',
  '资金时间价值',
] as const;

/** Item kind at position i (0-based) of a synthetic paper: a fixed 20-item cycle. */
function syntheticKind(i: number): Item['kind'] {
  const slot = i % 20;
  if (slot < 12) return 'single';
  if (slot < 16) return 'multiple';
  if (slot < 19) return 'truefalse';
  return 'text';
}

/** Items in positions 40..43 of every block of 50 belong to that block's case. */
function syntheticCaseIndex(i: number): number | undefined {
  return i % 50 >= 40 && i % 50 < 44 ? Math.floor(i / 50) : undefined;
}

/**
 * A large deterministic paper for benchmarks: mixed kinds in a fixed cycle (12 single, 4
 * multiple, 3 true/false, 1 text per 20 items) and one case group per 50 items.
 */
export function syntheticPaper(itemCount: number): Paper {
  if (!Number.isInteger(itemCount) || itemCount < 1 || itemCount > 1000) {
    throw new RangeError(`itemCount must be an integer in 1..1000, got ${itemCount}`);
  }
  const paperId = `SYN-${itemCount}`;
  const cases: CaseText[] = [];
  const items: Item[] = [];
  for (let i = 0; i < itemCount; i++) {
    const n = i + 1;
    const id = `${paperId}-${String(n).padStart(4, '0')}`;
    const topic = SYNTHETIC_TOPICS[i % SYNTHETIC_TOPICS.length] ?? '经济';
    const caseIndex = syntheticCaseIndex(i);
    let caseId: string | undefined;
    if (caseIndex !== undefined) {
      caseId = `${paperId}-C${caseIndex + 1}`;
      if (!cases.some((c) => c.id === caseId)) {
        cases.push({
          id: caseId,
          title: `案例${caseIndex + 1}`,
          text: `某企业在第 ${caseIndex + 1} 个经营年度围绕${topic}开展了一系列管理改进工作。`.repeat(6),
        });
      }
    }
    const base = { id, points: 1, ...(caseId ? { caseId } : {}) };
    const kind = syntheticKind(i);
    switch (kind) {
      case 'single':
        items.push({
          ...base,
          kind,
          stem: `第 ${n} 题：关于${topic}，下列表述中正确的是（  ）。`,
          options: options(['A', 'B', 'C', 'D'].map((k) => `关于${topic}的表述${k}`)),
        });
        break;
      case 'multiple':
        items.push({
          ...base,
          kind,
          points: 2,
          stem: `第 ${n} 题：关于${topic}，下列表述中正确的有（  ）。`,
          options: options(['A', 'B', 'C', 'D', 'E'].map((k) => `关于${topic}的表述${k}`)),
        });
        break;
      case 'truefalse':
        items.push({ ...base, kind, stem: `第 ${n} 题：关于${topic}的这一表述是正确的。` });
        break;
      case 'text':
        items.push({
          ...base,
          kind,
          points: 10,
          maxChars: 1000,
          stem: `第 ${n} 题：请结合实际，论述${topic}在企业经营管理中的作用。`,
        });
        break;
    }
  }
  const total = items.reduce((sum, item) => sum + item.points, 0);
  return {
    paperId,
    subjectCode: 'SYN',
    title: `合成基准试卷（${itemCount} 题）`,
    instructions: `本试卷共 ${itemCount} 题，满分 ${total} 分。本卷为性能测试用合成试卷，题目内容无实际意义。`,
    cases,
    items,
  };
}

/** A deterministic key for a synthetic paper, so benchmarks can exercise scoring too. */
export function syntheticAnswerKey(paper: Paper): AnswerKey {
  const key: AnswerKey = {};
  paper.items.forEach((item, i) => {
    switch (item.kind) {
      case 'single':
        key[item.id] = 'ABCD'.charAt(i % 4);
        break;
      case 'multiple':
        key[item.id] = i % 2 === 0 ? ['A', 'C'] : ['B', 'D', 'E'];
        break;
      case 'truefalse':
        key[item.id] = i % 2 === 0;
        break;
      case 'text':
        key[item.id] = null;
        break;
    }
  });
  return key;
}
