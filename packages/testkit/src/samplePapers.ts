import type { Paper } from '@exam/protocol';

/**
 * Small papers in the shape of the real ones (DOMAIN.md "Typical paper structure"): the
 * junior paper has single, multiple and true/false items and a case group; the senior
 * paper is a case with written answers. Written for these tests.
 */
export function juniorSamplePaper(): Paper {
  const abcd = (texts: string[]) => texts.map((text, i) => ({ key: 'ABCDE'[i]!, text }));
  return {
    paperId: 'P-J-SAMPLE',
    subjectCode: 'J-ECON',
    title: '经济基础知识（初级）',
    instructions: '本试卷共 6 题。',
    cases: [
      {
        id: 'C1',
        title: '某商业银行的资产负债管理',
        text:
          '某商业银行 2021 年末资产总额 1200 亿元，其中贷款 780 亿元；负债总额 1100 亿元，其中各项存款 950 亿元。' +
          '该行资本净额 96 亿元，风险加权资产 800 亿元。年内该行加大了对小微企业的信贷投放，并通过发行金融债券补充长期资金。',
      },
    ],
    items: [
      {
        id: 'J-001',
        kind: 'single',
        points: 1,
        stem: '在其他条件不变的情况下，某种商品的替代品价格上升，会导致该商品（  ）。',
        options: abcd(['需求曲线向左移动', '需求曲线向右移动', '供给曲线向右移动', '需求量沿原需求曲线增加']),
      },
      {
        id: 'J-002',
        kind: 'multiple',
        points: 2,
        stem: '下列财政政策工具中，属于自动稳定器的有（  ）。',
        options: abcd(['累进所得税', '失业救济金', '政府投资', '农产品价格维持制度', '发行国债']),
      },
      {
        id: 'J-003',
        kind: 'truefalse',
        points: 1,
        stem: '边际成本曲线与平均总成本曲线相交于平均总成本曲线的最低点。',
      },
      {
        id: 'J-004',
        kind: 'single',
        points: 1,
        stem: '国内生产总值（GDP）的核算方法不包括（  ）。',
        options: abcd(['生产法', '收入法', '支出法', '比较法']),
      },
      {
        id: 'J-005',
        kind: 'single',
        points: 2,
        caseId: 'C1',
        stem: '该银行的资本充足率为（  ）。',
        options: abcd(['8%', '10%', '12%', '15%']),
      },
      {
        id: 'J-006',
        kind: 'multiple',
        points: 2,
        caseId: 'C1',
        stem: '该银行通过发行金融债券补充长期资金，属于（  ）。',
        options: abcd(['负债业务', '资产业务', '主动负债', '中间业务']),
      },
    ],
  };
}

export function seniorSamplePaper(): Paper {
  return {
    paperId: 'P-S-SAMPLE',
    subjectCode: 'S-PRAC',
    title: '高级经济实务（工商管理）',
    instructions: '请根据案例材料作答。',
    cases: [
      {
        id: 'SC1',
        title: '案例一',
        text:
          '甲公司是一家生产家用电器的上市公司，近年来主营业务增长放缓。公司管理层计划通过并购一家智能家居企业进入新市场，' +
          '同时在内部推行事业部制改革，并对研发人员实施股权激励。',
      },
    ],
    items: [
      {
        id: 'S-001',
        kind: 'text',
        points: 20,
        maxChars: 2000,
        caseId: 'SC1',
        stem: '结合案例，分析甲公司采用的成长战略类型及其实施途径。',
      },
      {
        id: 'S-002',
        kind: 'text',
        points: 20,
        maxChars: 2000,
        caseId: 'SC1',
        stem: '指出甲公司推行事业部制可能带来的优点和风险。',
      },
    ],
  };
}
