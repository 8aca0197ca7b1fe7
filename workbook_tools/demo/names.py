"""Names for demo people and companies, with pinyin for e-mail addresses."""

from __future__ import annotations


def _pair(text: str) -> tuple[str, str]:
    """``"王:wang"`` as ``("王", "wang")``."""
    name, _, pinyin = text.partition(":")
    return name, pinyin


#: Common surnames (roughly by frequency) and their pinyin.
SURNAMES: tuple[tuple[str, str], ...] = tuple(
    _pair(p)
    for p in (
        "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 黄:huang 赵:zhao 吴:wu 周:zhou 徐:xu 孙:sun "
        "马:ma 朱:zhu 胡:hu 郭:guo 何:he 高:gao 林:lin 罗:luo 郑:zheng 梁:liang 谢:xie 宋:song 唐:tang "
        "许:xu 韩:han 冯:feng 邓:deng 曹:cao 彭:peng 曾:zeng 肖:xiao 田:tian 董:dong 袁:yuan 潘:pan "
        "于:yu 蒋:jiang 蔡:cai 余:yu 杜:du 叶:ye 程:cheng 苏:su 魏:wei 吕:lv 丁:ding 任:ren 沈:shen "
        "姚:yao 卢:lu 姜:jiang 崔:cui 钟:zhong 谭:tan 陆:lu 汪:wang 范:fan 金:jin 石:shi 廖:liao 贾:jia "
        "夏:xia 韦:wei 方:fang 白:bai 邹:zou 孟:meng 熊:xiong 秦:qin 邱:qiu 江:jiang 尹:yin 薛:xue "
        "闫:yan 段:duan 雷:lei 侯:hou 龙:long 史:shi 陶:tao 黎:li 贺:he 顾:gu 毛:mao 郝:hao 龚:gong "
        "邵:shao 万:wan 钱:qian 严:yan 武:wu 戴:dai 欧阳:ouyang 诸葛:zhuge"
    ).split()
)

#: Characters of given names and their pinyin.
GIVEN: tuple[tuple[str, str], ...] = tuple(
    _pair(p)
    for p in (
        "伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan "
        "杰:jie 娟:juan 涛:tao 明:ming 超:chao 秀:xiu 霞:xia 平:ping 刚:gang 桂:gui 英:ying 华:hua "
        "文:wen 辉:hui 建:jian 国:guo 玲:ling 红:hong 宇:yu 浩:hao 鹏:peng 飞:fei 鑫:xin 波:bo 斌:bin "
        "宁:ning 海:hai 梅:mei 琳:lin 欣:xin 晨:chen 雪:xue 婷:ting 倩:qian 颖:ying 佳:jia 怡:yi 思:si "
        "嘉:jia 子:zi 睿:rui 轩:xuan 涵:han 博:bo 峰:feng 凯:kai 亮:liang 俊:jun 晓:xiao 春:chun "
        "燕:yan 慧:hui 志:zhi 宏:hong 立:li 成:cheng 玉:yu 兰:lan 萍:ping 莉:li 青:qing 云:yun "
        "天:tian 阳:yang 雨:yu 昊:hao 铭:ming 泽:ze 瑶:yao 琪:qi 璐:lu 薇:wei 彤:tong 翔:xiang "
        "凡:fan 帆:fan 然:ran 若:ruo 诗:shi 梦:meng 晶:jing 丹:dan 冰:bing 健:jian 东:dong 永:yong "
        "新:xin 家:jia 振:zhen 德:de 安:an 毅:yi 雯:wen 蕾:lei 悦:yue 航:hang 哲:zhe 逸:yi 宸:chen"
    ).split()
)

#: Shop names (字号) for companies and their pinyin.
BRANDS: tuple[tuple[str, str], ...] = tuple(
    _pair(p)
    for p in (
        "明远:mingyuan 华盛:huasheng 鑫源:xinyuan 恒达:hengda 瑞丰:ruifeng 嘉禾:jiahe 宏图:hongtu "
        "金桥:jinqiao 天诚:tiancheng 信达:xinda 博远:boyuan 启航:qihang 永盛:yongsheng 汇通:huitong "
        "联创:lianchuang 德胜:desheng 新锐:xinrui 卓越:zhuoyue 凯旋:kaixuan 远航:yuanhang 同心:tongxin "
        "众诚:zhongcheng 佳美:jiamei 顺达:shunda 诚信:chengxin 和信:hexin 聚源:juyuan 昌盛:changsheng "
        "万家:wanjia 安泰:antai 富源:fuyuan 广源:guangyuan 海纳:haina 精诚:jingcheng 睿思:ruisi "
        "云帆:yunfan 青禾:qinghe 优品:youpin 星辰:xingchen 锦程:jincheng 盛世:shengshi 鼎力:dingli "
        "百川:baichuan 创新:chuangxin 合众:hezhong 益达:yida 立信:lixin 华美:huamei 兴旺:xingwang "
        "长青:changqing 东方:dongfang 尚品:shangpin 智达:zhida 蓝海:lanhai 朗行:langxing 宜家美:yijiamei "
        "瀚宇:hanyu 泰和:taihe 润泽:runze 绿源:lvyuan 嘉诚:jiacheng 金鼎:jinding 弘毅:hongyi 思远:siyuan"
    ).split()
)

#: Industry words for company names, and a short English tag used in e-mail domains.
INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("贸易", "trade"),
    ("科技", "tech"),
    ("电子商务", "ec"),
    ("文化传媒", "media"),
    ("餐饮管理", "food"),
    ("物业管理", "pm"),
    ("建筑装饰工程", "deco"),
    ("教育咨询", "edu"),
    ("医疗器械", "med"),
    ("网络科技", "net"),
    ("信息技术", "it"),
    ("实业", "group"),
    ("酒店管理", "hotel"),
    ("广告", "ad"),
    ("印务", "print"),
    ("供应链管理", "scm"),
    ("家具", "home"),
    ("电子", "elec"),
    ("机械设备", "mach"),
    ("会计师事务所", "cpa"),
    ("律师事务所", "law"),
    ("包装材料", "pack"),
    ("服饰", "fashion"),
)

#: Small shops registered as 个体工商户 (USCC starting 92).
SHOP_KINDS = ("文具店", "便利店", "商行", "办公用品店", "打印社", "五金店", "茶叶店", "咖啡馆")

#: Public bodies (USCC starting 12).
INSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("实验小学", "syxx.edu.cn"),
    ("第一中学", "yz.edu.cn"),
    ("第二中学", "ez.edu.cn"),
    ("职业技术学院", "zyjs.edu.cn"),
    ("人民医院", "rmyy.org.cn"),
    ("中医院", "zyy.org.cn"),
    ("图书馆", "lib.org.cn"),
    ("档案馆", "daj.org.cn"),
    ("疾病预防控制中心", "cdc.org.cn"),
    ("科学技术研究院", "kjy.org.cn"),
)

EMAIL_FREE = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "139.com", "outlook.com")
EMAIL_COMPANY_LOCAL = ("info", "sales", "admin", "caiwu", "purchase", "office", "service", "hr")
