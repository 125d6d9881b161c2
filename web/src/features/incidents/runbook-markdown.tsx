import { Blockquote, Code, List, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A small Markdown subset for runbooks (headings, paragraphs, lists, fenced code, quotes,
 * `inline code`, **bold**), rendered as React elements: the text is never parsed as HTML, so a
 * runbook cannot inject markup or scripts into the page.
 */
export function RunbookMarkdown({ source }: { source: string }) {
  const text = source.replace(/\r\n/g, '\n').replace(FRONT_MATTER, '');
  return <Stack gap="xs">{parseBlocks(text)}</Stack>;
}

/** YAML front-matter (owner, matchers, ...): shown as facts above the runbook, not as text. */
const FRONT_MATTER = /^---\n[\s\S]*?\n---\n?/;

function inline(text: string, keyBase: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(re)) {
    const idx = m.index;
    if (idx > last) out.push(text.slice(last, idx));
    const token = m[0];
    if (token.startsWith('`')) out.push(<Code key={`${keyBase}-${n++}`}>{token.slice(1, -1)}</Code>);
    else out.push(<strong key={`${keyBase}-${n++}`}>{token.slice(2, -2)}</strong>);
    last = idx + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function parseBlocks(src: string): ReactNode[] {
  const lines = src.split('\n');
  const blocks: ReactNode[] = [];
  let i = 0;
  let key = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^```/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i]!)) body.push(lines[i++]!);
      i++;
      blocks.push(
        <Code block key={key++}>
          {body.join('\n')}
        </Code>,
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1]!.length + 2) as 3 | 4 | 5 | 6;
      blocks.push(
        <Title order={level} key={key++}>
          {inline(heading[2]!, `h${key}`)}
        </Title>,
      );
      i++;
      continue;
    }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d+[.)]\s+/.test(line);
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i]!)) {
        items.push(lines[i]!.replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
        i++;
      }
      blocks.push(
        <List key={key++} type={ordered ? 'ordered' : 'unordered'} size="sm" spacing={2}>
          {items.map((t, n) => (
            <List.Item key={n}>{inline(t, `l${key}-${n}`)}</List.Item>
          ))}
        </List>,
      );
      continue;
    }
    if (line.startsWith('>')) {
      const quote: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('>')) quote.push(lines[i++]!.replace(/^>\s?/, ''));
      blocks.push(
        <Blockquote key={key++} p="xs">
          {inline(quote.join(' '), `q${key}`)}
        </Blockquote>,
      );
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !/^(```|#{1,6}\s|>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i]!)
    ) {
      para.push(lines[i++]!);
    }
    blocks.push(
      <Text size="sm" key={key++}>
        {inline(para.join(' '), `p${key}`)}
      </Text>,
    );
  }
  return blocks;
}
