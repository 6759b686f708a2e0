/**
 * NANP area code (NPA) → US state / Canadian province and IANA time zone(s), the usual proxy for a
 * recipient's location when the contact has no time zone (compliance.md §c3: "the area code is the
 * commonly used, defensible proxy"). libphonenumber-js carries no time zones, hence this table.
 *
 * Sources: NANPA area code maps (https://www.nationalnanpa.com/area_code_maps/) for the US, CNAC
 * (https://www.cnac.ca/) for Canada; zones from the IANA tz database. An area code that straddles a
 * zone line lists every zone it covers, so callers send only when all of them are inside the window.
 * Numbers move with people: the contact's own time zone, when known, wins over this table.
 *
 * @module
 */

/** Where an area code is. */
export interface AreaCodeRegion {
  /** ISO 3166-1 alpha-2: `US` or `CA`. */
  country: 'US' | 'CA';
  /** USPS state code or Canadian province code, e.g. `NJ`, `ON`. */
  region: string;
  /** IANA zones the area code covers (one, or several when it crosses a zone line). */
  zones: readonly string[];
}

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';

/** region → [country, default zones, area codes, per-code zone overrides]. */
const TABLE: readonly [string, 'US' | 'CA', readonly string[], string, Record<string, readonly string[]>?][] = [
  ['AL', 'US', [CHI], '205 251 256 334 659 938'],
  ['AK', 'US', ['America/Anchorage'], '907'],
  ['AZ', 'US', ['America/Phoenix'], '480 520 602 623 928'],
  ['AR', 'US', [CHI], '327 479 501 870'],
  ['CA', 'US', [LA], '209 213 279 310 323 341 350 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 949 951'],
  ['CO', 'US', [DEN], '303 719 720 970 983'],
  ['CT', 'US', [NY], '203 475 860 959'],
  ['DE', 'US', [NY], '302'],
  ['DC', 'US', [NY], '202 771'],
  ['FL', 'US', [NY], '239 305 321 352 386 407 448 561 656 689 727 754 772 786 813 850 863 904 941 954', { '850': [NY, CHI] }],
  ['GA', 'US', [NY], '229 404 470 478 678 706 762 770 912 943'],
  ['HI', 'US', ['Pacific/Honolulu'], '808'],
  ['ID', 'US', ['America/Boise'], '208 986', { '208': ['America/Boise', LA], '986': ['America/Boise', LA] }],
  ['IL', 'US', [CHI], '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872'],
  ['IN', 'US', ['America/Indiana/Indianapolis'], '219 260 317 463 574 765 812 930', { '219': [CHI], '812': ['America/Indiana/Indianapolis', CHI], '930': ['America/Indiana/Indianapolis', CHI] }],
  ['IA', 'US', [CHI], '319 515 563 641 712'],
  ['KS', 'US', [CHI], '316 620 785 913', { '620': [CHI, DEN], '785': [CHI, DEN] }],
  ['KY', 'US', [NY], '270 364 502 606 859', { '270': [CHI, NY], '364': [CHI, NY] }],
  ['LA', 'US', [CHI], '225 318 337 504 985'],
  ['ME', 'US', [NY], '207'],
  ['MD', 'US', [NY], '227 240 301 410 443 667'],
  ['MA', 'US', [NY], '339 351 413 508 617 774 781 857 978'],
  ['MI', 'US', ['America/Detroit'], '231 248 269 313 517 586 616 679 734 810 906 947 989', { '906': ['America/Detroit', 'America/Menominee'] }],
  ['MN', 'US', [CHI], '218 320 507 612 651 763 952'],
  ['MS', 'US', [CHI], '228 601 662 769'],
  ['MO', 'US', [CHI], '314 417 557 573 636 660 816 975'],
  ['MT', 'US', [DEN], '406'],
  ['NE', 'US', [CHI], '308 402 531', { '308': [CHI, DEN] }],
  ['NV', 'US', [LA], '702 725 775'],
  ['NH', 'US', [NY], '603'],
  ['NJ', 'US', [NY], '201 551 609 640 732 848 856 862 908 973'],
  ['NM', 'US', [DEN], '505 575'],
  ['NY', 'US', [NY], '212 315 332 347 363 516 518 585 607 631 646 680 716 718 838 845 914 917 929 934'],
  ['NC', 'US', [NY], '252 336 472 704 743 828 910 919 980 984'],
  ['ND', 'US', [CHI], '701', { '701': [CHI, DEN] }],
  ['OH', 'US', [NY], '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937'],
  ['OK', 'US', [CHI], '405 539 572 580 918'],
  ['OR', 'US', [LA], '458 503 541 971', { '541': [LA, 'America/Boise'] }],
  ['PA', 'US', [NY], '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878'],
  ['RI', 'US', [NY], '401'],
  ['SC', 'US', [NY], '803 839 843 854 864'],
  ['SD', 'US', [CHI], '605', { '605': [CHI, DEN] }],
  ['TN', 'US', [CHI], '423 615 629 731 865 901 931', { '423': [NY], '865': [NY] }],
  ['TX', 'US', [CHI], '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 915 936 940 945 956 972 979', { '915': [DEN], '432': [CHI, DEN] }],
  ['UT', 'US', [DEN], '385 435 801'],
  ['VT', 'US', [NY], '802'],
  ['VA', 'US', [NY], '276 434 540 571 703 757 804 826 948'],
  ['WA', 'US', [LA], '206 253 360 425 509 564'],
  ['WV', 'US', [NY], '304 681'],
  ['WI', 'US', [CHI], '262 274 414 534 608 715 920'],
  ['WY', 'US', [DEN], '307'],
  ['AB', 'CA', ['America/Edmonton'], '368 403 587 780 825'],
  ['BC', 'CA', ['America/Vancouver'], '236 250 257 604 672 778', { '250': ['America/Vancouver', 'America/Edmonton'] }],
  ['MB', 'CA', ['America/Winnipeg'], '204 431 584'],
  ['NB', 'CA', ['America/Moncton'], '428 506'],
  ['NL', 'CA', ['America/St_Johns'], '709 879'],
  ['NS', 'CA', ['America/Halifax'], '782 902'],
  ['ON', 'CA', ['America/Toronto'], '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905', { '807': ['America/Toronto', 'America/Winnipeg'] }],
  ['QC', 'CA', ['America/Toronto'], '263 354 367 418 438 450 468 514 579 581 819 873'],
  ['SK', 'CA', ['America/Regina'], '306 474 639'],
  ['YT', 'CA', ['America/Whitehorse', 'America/Yellowknife', 'America/Iqaluit'], '867'],
];

const BY_AREA_CODE: ReadonlyMap<string, AreaCodeRegion> = new Map(
  TABLE.flatMap(([region, country, zones, codes, overrides]) =>
    codes.split(' ').map((npa) => [npa, { country, region, zones: overrides?.[npa] ?? zones }] as const),
  ),
);

/**
 * The region of a NANP number's area code.
 * @param e164 a `+1` E.164 number (`+12015550123`).
 * @returns the region, or undefined for non-NANP numbers and area codes not in the table (toll-free,
 *   Caribbean NANP countries, unassigned codes).
 */
export function areaCodeRegion(e164: string): AreaCodeRegion | undefined {
  if (!/^\+1\d{10}$/.test(e164)) return undefined;
  return BY_AREA_CODE.get(e164.slice(2, 5));
}
