import { describe, expect, it } from 'vitest';
import { evaluateExpression } from './testing.js';
import { isUnknown, type Value } from './value.js';

function run(src: string): Value {
  const { value, diagnostics } = evaluateExpression(src);
  expect(diagnostics, `${src}: ${diagnostics.map((d) => d.detail).join('; ')}`).toEqual([]);
  return value;
}

// Expected values are the examples of Terraform's function documentation.
describe('numeric functions', () => {
  it.each<[string, Value]>([
    ['abs(-12.4)', 12.4],
    ['ceil(4.1)', 5],
    ['floor(4.9)', 4],
    ['log(16, 2)', 4],
    ['max(12, 54, 3)', 54],
    ['max([12, 54, 3]...)', 54],
    ['min(12, 54, 3)', 3],
    ['parseint("100", 10)', 100],
    ['parseint("FF", 16)', 255],
    ['parseint("-10", 16)', -16],
    ['parseint("1011111011101111", 2)', 48879],
    ['parseint("aA", 62)', 656],
    ['pow(3, 2)', 9],
    ['signum(-13)', -1],
    ['signum(0)', 0],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });
});

describe('string functions', () => {
  it.each<[string, Value]>([
    ['chomp("hello\\n")', 'hello'],
    ['chomp("hello\\r\\n")', 'hello'],
    ['endswith("hello world", "world")', true],
    ['startswith("hello world", "hello")', true],
    ['strcontains("hello world", "wor")', true],
    ['format("Hello, %s!", "Ander")', 'Hello, Ander!'],
    ['format("There are %d lights", 4)', 'There are 4 lights'],
    ['format("%.2f", 3.14159)', '3.14'],
    ['format("%5d|%-5s|", 42, "ab")', '   42|ab   |'],
    ['format("%q", "x")', '"x"'],
    ['format("%03d", 7)', '007'],
    ['formatlist("Hello, %s!", ["Valentina", "Ander"])', ['Hello, Valentina!', 'Hello, Ander!']],
    [
      'formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])',
      ['Salutations, Valentina!', 'Salutations, Ander!'],
    ],
    ['indent(2, "[\\n  foo,\\n  bar,\\n]\\n")', '[\n    foo,\n    bar,\n  ]\n  '],
    ['join(", ", ["foo", "bar", "baz"])', 'foo, bar, baz'],
    ['join(", ", ["foo"])', 'foo'],
    ['lower("HELLO")', 'hello'],
    ['upper("hello")', 'HELLO'],
    ['title("hello world")', 'Hello World'],
    ['regex("[a-z]+", "53453453.345345aaabbbccc23454")', 'aaabbbccc'],
    ['regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ['2019', '02', '01']],
    [
      'regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
      { scheme: 'https', authority: 'terraform.io' },
    ],
    ['regexall("[a-z]+", "1234abcd5678efgh9")', ['abcd', 'efgh']],
    ['length(regexall("[a-z]+", "123456789")) > 0', false],
    ['replace("1 + 2 + 3", "+", "-")', '1 - 2 - 3'],
    ['replace("hello world", "/w.*d/", "everybody")', 'hello everybody'],
    ['split(",", "foo,bar,baz")', ['foo', 'bar', 'baz']],
    ['split(",", "foo")', ['foo']],
    ['split(",", "")', ['']],
    ['strrev("hello")', 'olleh'],
    ['substr("hello world", 1, 4)', 'ello'],
    ['substr("🤔🤷", 0, 1)', '🤔'],
    ['substr("hello world", -5, -1)', 'world'],
    ['substr("hello world", 6, 10)', 'world'],
    ['trim("?!hello?!", "!?")', 'hello'],
    ['trim("foobar", "far")', 'oob'],
    ['trimprefix("helloworld", "hello")', 'world'],
    ['trimprefix("helloworld", "cat")', 'helloworld'],
    ['trimsuffix("helloworld", "world")', 'hello'],
    ['trimspace("  hello\\n\\n")', 'hello'],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });
});

describe('collection functions', () => {
  it.each<[string, Value]>([
    ['alltrue(["true", true])', true],
    ['alltrue([true, false])', false],
    ['anytrue(["true"])', true],
    ['anytrue([])', false],
    ['chunklist(["a", "b", "c", "d", "e"], 2)', [['a', 'b'], ['c', 'd'], ['e']]],
    ['chunklist(["a", "b", "c", "d", "e"], 1)', [['a'], ['b'], ['c'], ['d'], ['e']]],
    ['coalesce("a", "b")', 'a'],
    ['coalesce("", "b")', 'b'],
    ['coalesce(1, 2)', 1],
    ['coalescelist(["a", "b"], ["c", "d"])', ['a', 'b']],
    ['coalescelist([], ["c", "d"])', ['c', 'd']],
    ['compact(["a", "", "b", null, "c"])', ['a', 'b', 'c']],
    ['concat(["a", ""], ["b", "c"])', ['a', '', 'b', 'c']],
    ['contains(["a", "b", "c"], "a")', true],
    ['contains(["a", "b", "c"], "d")', false],
    ['distinct(["a", "b", "a", "c", "d", "b"])', ['a', 'b', 'c', 'd']],
    ['element(["a", "b", "c"], 1)', 'b'],
    ['element(["a", "b", "c"], 3)', 'a'],
    ['element(["a", "b", "c"], length(["a", "b", "c"])-1)', 'c'],
    ['flatten([["a", "b"], [], ["c"]])', ['a', 'b', 'c']],
    ['flatten([[["a", "b"], []], ["c"]])', ['a', 'b', 'c']],
    ['index(["a", "b", "c"], "b")', 1],
    ['keys({a=1, c=2, d=3})', ['a', 'c', 'd']],
    ['values({a=3, c=2, d=1})', [3, 2, 1]],
    ['length([])', 0],
    ['length(["a", "b"])', 2],
    ['length({"a" = "b"})', 1],
    ['length("hello")', 5],
    ['length("🤔🤷")', 2],
    ['lookup({a="ay", b="bee"}, "a", "what?")', 'ay'],
    ['lookup({a="ay", b="bee"}, "c", "what?")', 'what?'],
    [
      'matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])',
      ['i-abc', 'i-def'],
    ],
    ['merge({a="b", c="d"}, {e="f", c="z"})', { a: 'b', c: 'z', e: 'f' }],
    ['merge({a="b"}, {a=[1,2], c="z"}, {d=3})', { a: [1, 2], c: 'z', d: 3 }],
    ['one([])', null],
    ['one(["hello"])', 'hello'],
    ['range(3)', [0, 1, 2]],
    ['range(1, 4)', [1, 2, 3]],
    ['range(1, 8, 2)', [1, 3, 5, 7]],
    ['range(4, 1)', [4, 3, 2]],
    ['range(10, 5, -2)', [10, 8, 6]],
    ['reverse([1, 2, 3])', [3, 2, 1]],
    ['setintersection(["a", "b"], ["b", "c"], ["b", "d"])', ['b']],
    [
      'setproduct(["development", "staging"], ["app1", "app2"])',
      [
        ['development', 'app1'],
        ['development', 'app2'],
        ['staging', 'app1'],
        ['staging', 'app2'],
      ],
    ],
    ['setproduct(["a"], [])', []],
    ['setsubtract(["a", "b", "c"], ["a", "c"])', ['b']],
    ['setunion(["a", "b"], ["b", "c"], ["d"])', ['a', 'b', 'c', 'd']],
    ['slice(["a", "b", "c", "d"], 1, 3)', ['b', 'c']],
    ['sort(["e", "d", "a", "x"])', ['a', 'd', 'e', 'x']],
    ['sum([10, 13, 6, 4.5])', 33.5],
    ['transpose({"a" = ["1", "2"], "b" = ["2", "3"]})', { '1': ['a'], '2': ['a', 'b'], '3': ['b'] }],
    ['zipmap(["a", "b"], [1, 2])', { a: 1, b: 2 }],
    ['list("a", "b")', ['a', 'b']],
    ['map("a", 1, "b", 2)', { a: 1, b: 2 }],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });
});

describe('encoding and hashing functions', () => {
  it.each<[string, Value]>([
    ['base64encode("Hello World")', 'SGVsbG8gV29ybGQ='],
    ['base64decode("SGVsbG8gV29ybGQ=")', 'Hello World'],
    ['textencodebase64("Hello World", "UTF-16LE")', 'SABlAGwAbABvACAAVwBvAHIAbABkAA=='],
    ['textdecodebase64("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE")', 'Hello World'],
    [
      'csvdecode("a,b,c\\n1,2,3\\n4,5,6")',
      [
        { a: '1', b: '2', c: '3' },
        { a: '4', b: '5', c: '6' },
      ],
    ],
    ['jsondecode("{\\"hello\\": \\"world\\"}")', { hello: 'world' }],
    ['jsondecode("true")', true],
    ['jsonencode({"hello"="world"})', '{"hello":"world"}'],
    ['jsonencode({b=1, a=[true, null], c="<&>"})', '{"a":[true,null],"b":1,"c":"\\u003c\\u0026\\u003e"}'],
    ['urlencode("Hello World!")', 'Hello+World%21'],
    ['urlencode("☃")', '%E2%98%83'],
    ['urlencode("foo:bar@localhost?foo=bar&bar=baz")', 'foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz'],
    ['yamldecode("hello: world")', { hello: 'world' }],
    ['yamldecode("true")', true],
    ['yamldecode("{a: &foo [1, 2, 3], b: *foo}")', { a: [1, 2, 3], b: [1, 2, 3] }],
    ['yamlencode({"a":"b", "c":"d"})', 'a: b\nc: d\n'],
    ['md5("hello world")', '5eb63bbbe01eeed093cb22bb8f5acdc3'],
    ['sha1("hello world")', '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed'],
    ['sha256("hello world")', 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
    [
      'sha512("hello world")',
      '309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f',
    ],
    ['base64sha256("hello world")', 'uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek='],
    [
      'base64sha512("hello world")',
      'MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==',
    ],
    ['uuidv5("dns", "www.terraform.io")', 'a5008fae-b28c-5ba5-96cd-82b4c53552d6'],
    ['uuidv5("url", "https://www.terraform.io/")', '9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5'],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });

  it('base64gzip output decodes back to the input', async () => {
    const { gunzipSync } = await import('node:zlib');
    const v = run('base64gzip("hello")') as string;
    expect(gunzipSync(Buffer.from(v, 'base64')).toString()).toBe('hello');
  });
});

describe('date, path and network functions', () => {
  it.each<[string, Value]>([
    ['formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")', '02 Jan 2018 23:12 UTC'],
    ['formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")', 'Tuesday, 02-Jan-18 23:12:01 UTC'],
    [
      'formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")',
      'Tue, 02 Jan 2018 23:12:01 -0800',
    ],
    ['formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")', 'Jan 02, 2018'],
    ['formatdate("HH:mmaa", "2018-01-02T23:12:01Z")', '11:12pm'],
    ['formatdate("h\'h\'mm", "2018-01-02T23:12:01-08:00")', '23h12'],
    ['timeadd("2017-11-22T00:00:00Z", "10m")', '2017-11-22T00:10:00Z'],
    ['timeadd("2017-11-22T00:00:00Z", "-1h30m")', '2017-11-21T22:30:00Z'],
    ['timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")', 0],
    ['timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00")', 0],
    ['timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:59:00Z")', 1],
    ['basename("foo/bar/baz.txt")', 'baz.txt'],
    ['dirname("foo/bar/baz.txt")', 'foo/bar'],
    ['abspath("a/b")', '/a/b'],
    ['pathexpand("/etc/resolv.conf")', '/etc/resolv.conf'],
    ['cidrhost("10.12.112.0/20", 16)', '10.12.112.16'],
    ['cidrhost("10.12.112.0/20", 268)', '10.12.113.12'],
    ['cidrhost("10.12.112.0/20", -1)', '10.12.127.255'],
    ['cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)', 'fd00:fd12:3456:7890::22'],
    ['cidrnetmask("172.16.0.0/12")', '255.240.0.0'],
    ['cidrsubnet("172.16.0.0/12", 4, 2)', '172.18.0.0/16'],
    ['cidrsubnet("10.1.2.0/24", 4, 15)', '10.1.2.240/28'],
    ['cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', 'fd00:fd12:3456:7800:a200::/72'],
    ['cidrsubnet("10.0.0.0/16", 8, 2)', '10.0.2.0/24'],
    [
      'cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)',
      ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20'],
    ],
    [
      'cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)',
      [
        'fd00:fd12:3456:7800::/72',
        'fd00:fd12:3456:7800:100::/72',
        'fd00:fd12:3456:7800:200::/72',
        'fd00:fd12:3456:7800:300::/88',
      ],
    ],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });
});

describe('type conversion functions', () => {
  it.each<[string, Value]>([
    ['tobool("true")', true],
    ['tobool(null)', null],
    ['tonumber("1")', 1],
    ['tostring(1)', '1'],
    ['tostring(true)', 'true'],
    ['tolist(["a", "b", 3])', ['a', 'b', 3]],
    ['toset(["c", "b", "b"])', ['b', 'c']],
    ['tomap({"a" = 1, "b" = 2})', { a: 1, b: 2 }],
    ['type("x")', 'string'],
    ['sensitive("secret")', 'secret'],
    ['nonsensitive("x")', 'x'],
    ['can(regex("^ami-", "ami-123"))', true],
    ['can(regex("^ami-", "foo"))', false],
    ['try(tonumber("x"), 5)', 5],
    ['try({a = 1}.b, "fallback")', 'fallback'],
  ])('%s is %j', (src, want) => {
    expect(run(src)).toEqual(want);
  });
});

describe('unknown handling', () => {
  it.each(['timestamp()', 'uuid()', 'bcrypt("x")', 'pathexpand("~/x")', 'plantimestamp()'])(
    '%s is unknown until apply',
    (src) => {
      expect(isUnknown(run(src))).toBe(true);
    },
  );
});

describe('function errors', () => {
  it.each<[string, string, string]>([
    ['element([], 0)', 'Error in function call', 'cannot use element function with an empty list'],
    ['lookup({a = 1}, "b")', 'Error in function call', 'lookup failed to find key "b"'],
    [
      'cidrsubnet("10.0.0.0/30", 4, 0)',
      'Error in function call',
      'insufficient address space to extend prefix of 30 by 4',
    ],
    ['nosuchfunction(1)', 'Call to unknown function', 'There is no function named "nosuchfunction"'],
    ['upper()', 'Not enough function arguments', 'expects 1 argument(s)'],
    ['coalesce(null, "")', 'Error in function call', 'no non-null, non-empty-string arguments'],
    ['regex("x", "abc")', 'Error in function call', 'pattern did not match'],
  ])('%s reports "%s"', (src, summary, detail) => {
    const { value, diagnostics } = evaluateExpression(src);
    expect(isUnknown(value)).toBe(true);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.summary).toBe(summary);
    expect(diagnostics[0]?.detail).toContain(detail);
    expect(diagnostics[0]?.range.start.column).toBe(5);
  });
});

describe('malformed arguments', () => {
  it.each([
    'cidrhost("zz::1/64", 1)',
    'cidrsubnet("10.0.0.0/99", 1, 1)',
    'jsondecode("{")',
    'base64decode("%%%")',
    'regex("(", "x")',
  ])('%s is a diagnostic, not a crash', (src) => {
    const { value, diagnostics } = evaluateExpression(src);
    expect(isUnknown(value)).toBe(true);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.summary).not.toMatch(/internal/i);
  });
});
