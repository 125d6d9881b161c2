import { describe, expect, it } from 'vitest';
import type { Expr, TemplatePart } from './ast.js';
import { MAX_NESTING_DEPTH, parseHcl } from './parser.js';

function attrExpr(src: string, name = 'a'): Expr {
  const r = parseHcl(src, 't.tf');
  expect(r.diagnostics).toEqual([]);
  const attr = r.file.body.attributes.find((x) => x.name === name);
  if (attr === undefined) throw new Error(`no attribute ${name}`);
  return attr.expr;
}

/** A compact, range-free rendering of an expression, for readable assertions. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Literal':
      return e.raw ?? String(e.value);
    case 'Variable':
      return e.name;
    case 'GetAttr':
      return `${show(e.object)}.${e.name}`;
    case 'Index':
      return `${show(e.object)}[${show(e.key)}]`;
    case 'Splat':
      return `splat(${e.style}, ${show(e.object)}, ${show(e.each)})`;
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Unary':
      return `(${e.op}${show(e.operand)})`;
    case 'Conditional':
      return `(${show(e.cond)} ? ${show(e.then)} : ${show(e.else)})`;
    case 'Paren':
      return `paren(${show(e.expr)})`;
    case 'FunctionCall':
      return `${e.name}(${e.args.map(show).join(', ')}${e.expandFinal ? '...' : ''})`;
    case 'Tuple':
      return `[${e.items.map(show).join(', ')}]`;
    case 'Object':
      return `{${e.items.map((i) => `${show(i.key)}=${show(i.value)}`).join(', ')}}`;
    case 'For':
      return `for(${e.keyVar ?? ''},${e.valueVar} in ${show(e.collection)}: ${e.keyExpr ? `${show(e.keyExpr)} => ` : ''}${show(e.valueExpr)}${e.grouping ? '...' : ''}${e.cond ? ` if ${show(e.cond)}` : ''})`;
    case 'Template':
      return `"${e.parts.map(showPart).join('')}"`;
  }
}

function showPart(p: TemplatePart): string {
  switch (p.kind) {
    case 'TemplateLiteral':
      return p.value;
    case 'TemplateInterp':
      return `\${${show(p.expr)}}`;
    case 'TemplateIf':
      return `%{if ${show(p.cond)}}${p.then.map(showPart).join('')}${p.else ? `%{else}${p.else.map(showPart).join('')}` : ''}%{endif}`;
    case 'TemplateFor':
      return `%{for ${p.keyVar ?? ''},${p.valueVar} in ${show(p.collection)}}${p.body.map(showPart).join('')}%{endfor}`;
  }
}

describe('parseHcl expressions', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['a || b && c', '(a || (b && c))'],
    ['a == b || c != d', '((a == b) || (c != d))'],
    ['a < b == c >= d', '((a < b) == (c >= d))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['10 / 5 % 3', '((10 / 5) % 3)'],
    ['!a && -b > 0', '((!a) && ((-b) > 0))'],
    ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
    ['a + 1 > 2 ? "y" : "n"', '(((a + 1) > 2) ? "y" : "n")'],
    ['(1 + 2) * 3', '(paren((1 + 2)) * 3)'],
    ['- - 1', '(-(-1))'],
  ])('reads %s with HCL precedence as %s', (src, expected) => {
    expect(show(attrExpr(`a = ${src}\n`))).toBe(expected);
  });

  it.each([
    ['1', 1],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['0', 0],
  ])('reads the number %s', (src, value) => {
    const e = attrExpr(`a = ${src}\n`);
    expect(e).toMatchObject({ kind: 'Literal', value, raw: src });
  });

  it.each([
    ['true', true],
    ['false', false],
    ['null', null],
  ])('reads the keyword %s as a literal', (src, value) => {
    expect(attrExpr(`a = ${src}\n`)).toMatchObject({ kind: 'Literal', value });
  });

  it.each([
    ['var.x.y', 'var.x.y'],
    ['a[0]', 'a[0]'],
    ['a.0.b', 'a[0].b'],
    ['a.0.1', 'a[0][1]'],
    ['a["k"].b', 'a["k"].b'],
    ['a[b[c]]', 'a[b[c]]'],
    ['aws_instance.web[count.index].id', 'aws_instance.web[count.index].id'],
  ])('reads the traversal %s', (src, expected) => {
    expect(show(attrExpr(`a = ${src}\n`))).toBe(expected);
  });

  it.each([
    ['a.*.b', 'splat(attr, a, @splat.b)'],
    ['a[*].b[0]', 'splat(full, a, @splat.b[0])'],
    ['a.*.b[0]', 'a.*.b[0]'],
    ['a[*]', 'splat(full, a, @splat)'],
    ['aws_subnet.s[*].id', 'splat(full, aws_subnet.s, @splat.id)'],
  ])('reads the splat %s', (src, expected) => {
    const got = show(attrExpr(`a = ${src}\n`));
    if (src === 'a.*.b[0]') {
      // An attribute-only splat ends at the index: the index applies to the splat result.
      expect(got).toBe('splat(attr, a, @splat.b)[0]');
    } else {
      expect(got).toBe(expected);
    }
  });

  it.each([
    ['f()', 'f()'],
    ['f(1, 2,)', 'f(1, 2)'],
    ['concat(a, b...)', 'concat(a, b...)'],
    ['provider::aws::arn_parse(x)', 'provider::aws::arn_parse(x)'],
    ['f(\n  1,\n  2\n)', 'f(1, 2)'],
  ])('reads the call %s', (src, expected) => {
    expect(show(attrExpr(`a = ${src}\n`))).toBe(expected);
  });

  it.each([
    ['[]', '[]'],
    ['[1, 2, 3,]', '[1, 2, 3]'],
    ['[\n  1,\n  2\n]', '[1, 2]'],
    ['{}', '{}'],
    ['{ a = 1, b = 2 }', '{a=1, b=2}'],
    ['{ a : 1 }', '{a=1}'],
    ['{\n  a = 1\n  "b" = 2\n  (k) = 3\n}', '{a=1, "b"=2, paren(k)=3}'],
    ['{ a = { b = [1] } }', '{a={b=[1]}}'],
  ])('reads the collection %s', (src, expected) => {
    expect(show(attrExpr(`a = ${src}\n`))).toBe(expected);
  });

  it.each([
    ['[for x in xs : x]', 'for(,x in xs: x)'],
    ['[for i, x in xs : x if i > 0]', 'for(i,x in xs: x if (i > 0))'],
    ['{for k, v in m : k => v}', 'for(k,v in m: k => v)'],
    ['{for k, v in m : v.g => k...}', 'for(k,v in m: v.g => k...)'],
    ['{\n  for k, v in m :\n  k => v\n  if v != null\n}', 'for(k,v in m: k => v if (v != null))'],
  ])('reads the for expression %s', (src, expected) => {
    expect(show(attrExpr(`a = ${src}\n`))).toBe(expected);
  });
});

describe('parseHcl templates', () => {
  it.each([
    ['"plain"', 'plain'],
    ['""', ''],
    ['"a\\nb\\t\\"q\\"\\\\"', 'a\nb\t"q"\\'],
    ['"\\u00e9\\U0001F600"', 'é😀'],
    ['"$${x} %%{y}"', '${x} %{y}'],
    ['"$x %y $"', '$x %y $'],
  ])('decodes the string %s', (src, value) => {
    const e = attrExpr(`a = ${src}\n`);
    expect(e).toMatchObject({ kind: 'Template', parts: [{ kind: 'TemplateLiteral', value }] });
  });

  it('reads interpolations and keeps the literal parts around them', () => {
    expect(show(attrExpr('a = "arn:${var.p}:s3:::${local.b}/*"\n'))).toBe('"arn:${var.p}:s3:::${local.b}/*"');
  });

  it('reads if/else/endif and for/endfor directives', () => {
    expect(show(attrExpr('a = "%{ if x }yes%{ else }no%{ endif }"\n'))).toBe('"%{if x}yes%{else}no%{endif}"');
    expect(show(attrExpr('a = "%{ for k, v in m }${k}=${v};%{ endfor }"\n'))).toBe(
      '"%{for k,v in m}${k}=${v};%{endfor}"',
    );
  });

  it('applies strip markers to the neighbouring literals', () => {
    const e = attrExpr('a = "x  ${~ y ~}  z"\n');
    expect(show(e)).toBe('"x${y}z"');
    expect(e).toMatchObject({
      parts: [{}, { kind: 'TemplateInterp', stripLeft: true, stripRight: true }, {}],
    });
    expect(show(attrExpr('a = "a %{~ if c ~} b %{~ endif ~} d"\n'))).toBe('"a%{if c}b%{endif}d"');
  });

  it('reads a heredoc as is, with the final newline', () => {
    const e = attrExpr('a = <<EOT\n  line 1\n    ${x}\nEOT\n');
    expect(e).toMatchObject({ kind: 'Template', heredoc: true });
    expect(show(e)).toBe('"  line 1\n    ${x}\n"');
  });

  it('removes the common indentation from a <<- heredoc, ignoring blank lines', () => {
    const e = attrExpr('a = <<-EOT\n    first\n\n      second ${x}\n    EOT\n');
    expect(show(e)).toBe('"first\n\n  second ${x}\n"');
  });

  it('does not process backslash escapes in heredocs', () => {
    expect(show(attrExpr('a = <<EOT\nC:\\path\\n $${x}\nEOT\n'))).toBe('"C:\\path\\n ${x}\n"');
  });

  it('reads a heredoc whose lines start with interpolations', () => {
    expect(show(attrExpr('a = <<EOT\n${x}\n%{ if y }z%{ endif }\nEOT\n'))).toBe('"${x}\n%{if y}z%{endif}\n"');
  });

  it('reads strings nested inside interpolations', () => {
    expect(show(attrExpr('a = "${join(",", [for s in x : "${s}-y"])}"\n'))).toBe(
      '"${join(",", for(,s in x: "${s}-y"))}"',
    );
  });
});

describe('parseHcl bodies', () => {
  it('reads blocks with quoted and bare labels, one-line blocks and nested blocks', () => {
    const src = [
      'resource "aws_s3_bucket" "b" {',
      '  bucket = "x"',
      '  versioning { enabled = true }',
      '  lifecycle {}',
      '  dynamic "rule" {',
      '    for_each = var.rules',
      '    content {',
      '      id = rule.value',
      '    }',
      '  }',
      '}',
      'locals {',
      '}',
      'provider aws {}',
      '',
    ].join('\n');
    const r = parseHcl(src, 'main.tf');
    expect(r.diagnostics).toEqual([]);
    const [res, locals, provider] = r.file.body.blocks;
    expect(res).toMatchObject({ type: 'resource', labels: ['aws_s3_bucket', 'b'] });
    expect(res!.body.attributes.map((a) => a.name)).toEqual(['bucket']);
    expect(res!.body.blocks.map((b) => b.type)).toEqual(['versioning', 'lifecycle', 'dynamic']);
    expect(res!.body.blocks[0]!.body.attributes[0]).toMatchObject({ name: 'enabled' });
    expect(res!.body.blocks[2]!.body.blocks[0]!.body.attributes[0]!.name).toBe('id');
    expect(locals).toMatchObject({ type: 'locals', labels: [] });
    expect(provider).toMatchObject({ type: 'provider', labels: ['aws'] });
  });

  it('gives every node 1-based line/column and 0-based offset ranges', () => {
    const src = 'a = 1\nresource "t" "n" {\n  tags = { Name = var.n }\n}\n';
    const r = parseHcl(src, 'f.tf');
    const attr = r.file.body.attributes[0]!;
    expect(attr.nameRange).toEqual({
      file: 'f.tf',
      start: { line: 1, column: 1, offset: 0 },
      end: { line: 1, column: 2, offset: 1 },
    });
    const block = r.file.body.blocks[0]!;
    expect(block.range.start).toEqual({ line: 2, column: 1, offset: 6 });
    expect(block.range.end).toEqual({ line: 4, column: 2, offset: src.length - 1 });
    expect(block.labelRanges[1]!.start).toMatchObject({ line: 2, column: 14 });
    const tags = block.body.attributes[0]!;
    expect(tags.range.start).toMatchObject({ line: 3, column: 3 });
    const obj = tags.expr;
    if (obj.kind !== 'Object') throw new Error('expected an object');
    const value = obj.items[0]!.value;
    expect(value.range.start).toMatchObject({ line: 3, column: 19 });
    expect(src.slice(value.range.start.offset, value.range.end.offset)).toBe('var.n');
  });

  it('collects #, // and /* */ comments with their ranges', () => {
    const src = '# opsdeck:ignore AWS001 reason\na = 1 // trailing\n/* block\n comment */\nb = 2\n';
    const r = parseHcl(src, 'c.tf');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.comments.map((c) => [c.style, c.text, c.range.start.line])).toEqual([
      ['#', ' opsdeck:ignore AWS001 reason', 1],
      ['//', ' trailing', 2],
      ['/*', ' block\n comment ', 3],
    ]);
    expect(r.file.comments[2]!.range.end).toMatchObject({ line: 4, column: 12 });
    expect(r.file.body.attributes.map((a) => [a.name, a.range.start.line])).toEqual([
      ['a', 2],
      ['b', 5],
    ]);
  });

  it('accepts CRLF line endings and a byte order mark', () => {
    const r = parseHcl('\uFEFFa = "x"\r\nb = <<EOT\r\nhi\r\nEOT\r\n', 'w.tf');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.body.attributes.map((a) => a.name)).toEqual(['a', 'b']);
    expect(r.file.body.attributes[1]!.range.start).toMatchObject({ line: 2, column: 1 });
  });
});

describe('parseHcl diagnostics', () => {
  it.each([
    ['a = \n', 'Invalid expression', 1, 5],
    ['a = 1 2\n', 'Missing newline after argument', 1, 7],
    ['a = 1, b = 2\n', 'Unexpected comma after argument', 1, 6],
    ['resource "a" "b" {\n  x = 1\n', 'Unclosed configuration block', 1, 18],
    ['= 1\n', 'Argument or block definition required', 1, 1],
    ['a\n', 'Argument or block definition required', 1, 1],
    ['"a" = 1\n', 'Invalid argument name', 1, 1],
    ['a = "abc\n', 'Unterminated template string', 1, 5],
    ['a = <<EOT\nabc\n', 'Unterminated template string', 1, 5],
    ['a = @\n', 'Invalid character', 1, 5],
    ["a = 'x'\n", 'Invalid character', 1, 5],
    ['a = "\\q"\n', 'Invalid escape sequence', 1, 6],
    ['a = [1 2]\n', 'Missing item separator', 1, 8],
    ['a = { b = 1 c = 2 }\n', 'Missing attribute separator', 1, 13],
    ['a = f(1 2)\n', 'Missing argument separator', 1, 9],
    ['a = x ? 1\n', 'Missing false expression in conditional', 1, 10],
    ['block "x" = {}\n', 'Invalid block definition', 1, 11],
    ['b { x = 1, y = 2 }\n', 'Invalid single-argument block definition', 1, 10],
    ['a = "${x"\n', 'Unterminated template string', 1, 5],
    ['a = "${x y}"\n', 'Extra characters after interpolation expression', 1, 10],
    ['a = "%{ if x }y"\n', 'Unterminated template directive', 1, 16],
    ['a = "%{ endif }"\n', 'Unexpected template directive', 1, 9],
    ['/* open\n', 'Unterminated comment', 1, 1],
    ['b "x" { } c\n', 'Missing newline after block definition', 1, 11],
  ])('reports %j as %s at %i:%i', (src, summary, line, column) => {
    const r = parseHcl(src, 'bad.tf');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    const d = r.diagnostics[0]!;
    expect(d.summary).toBe(summary);
    expect(d.severity).toBe('error');
    expect(d.detail.length).toBeGreaterThan(10);
    expect([d.range.start.line, d.range.start.column]).toEqual([line, column]);
    expect(d.range.file).toBe('bad.tf');
  });

  it('recovers after a broken argument and keeps the rest of the block and file', () => {
    const src = 'resource "a" "b" {\n  x = [1 2]\n  y = 2\n}\n\nresource "c" "d" {\n  z = 3\n}\n';
    const r = parseHcl(src, 'r.tf');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Missing item separator']);
    expect(r.file.body.blocks.map((b) => b.labels[1])).toEqual(['b', 'd']);
    expect(r.file.body.blocks[0]!.body.attributes.map((a) => a.name)).toEqual(['y']);
  });

  it('hands blocks after a missing closing brace back to the file body', () => {
    const src =
      'resource "a" "b" {\n  ingress {\n    x = 1\n\n  y = 2\n}\n\nresource "c" "d" {\n  z = 3\n}\n';
    const r = parseHcl(src, 'u.tf');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Unclosed configuration block']);
    expect(r.file.body.blocks.map((b) => b.labels.join('.'))).toEqual(['a.b', 'c.d']);
    expect(r.file.body.blocks[1]!.body.attributes[0]!.name).toBe('z');
  });

  it('resumes at the next top-level block when a bracket is never closed', () => {
    const src = 'resource "a" "b" {\n  x = foo(1,\n  y = 2\n}\n\nresource "c" "d" {\n  z = 3\n}\n';
    const r = parseHcl(src, 'p.tf');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.file.body.blocks.map((b) => b.labels.join('.'))).toEqual(['a.b', 'c.d']);
    expect(r.file.body.blocks[1]!.body.attributes.map((a) => a.name)).toEqual(['z']);
  });

  it('reports an unbalanced closing brace and goes on', () => {
    const r = parseHcl('}\na = 1\n', 'x.tf');
    expect(r.diagnostics[0]!.summary).toBe('Argument or block definition required');
    expect(r.file.body.attributes.map((a) => a.name)).toEqual(['a']);
  });

  it('caps nesting depth with a diagnostic instead of overflowing the stack', () => {
    const n = 10_000;
    const r = parseHcl(`a = ${'['.repeat(n)}${']'.repeat(n)}\nb = 1\n`, 'deep.tf');
    expect(r.diagnostics.map((d) => d.summary)).toEqual(['Nesting too deep']);
    expect(r.file.body.attributes.map((a) => a.name)).toEqual(['b']);
    const ok = parseHcl(
      `a = ${'['.repeat(MAX_NESTING_DEPTH - 5)}${']'.repeat(MAX_NESTING_DEPTH - 5)}\n`,
      'ok.tf',
    );
    expect(ok.diagnostics).toEqual([]);
  });

  it('caps nested blocks too', () => {
    const n = 5_000;
    const r = parseHcl(`${'a {\n'.repeat(n)}${'}\n'.repeat(n)}`, 'blocks.tf');
    expect(r.diagnostics.some((d) => d.summary === 'Nesting too deep')).toBe(true);
  });
});
