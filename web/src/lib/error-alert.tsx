import { Alert, Code, List, Text } from '@mantine/core';
import { describeError, isApiError } from './api.js';

/**
 * An API failure as a red alert: the stable `OPSDECK_E_*` code, the message, and every detail
 * with the JSON pointer the server named (`/body/rules/2/matchers/0`), so a refused form says
 * exactly which field is wrong even when the page has no input for it.
 */
export function ApiErrorAlert({ title, error }: { title: string; error: unknown }) {
  if (!isApiError(error)) {
    return (
      <Alert color="red" title={title} role="alert">
        {describeError(error)}
      </Alert>
    );
  }
  return (
    <Alert color="red" title={title} role="alert" data-error-code={error.code}>
      <Text size="sm">
        <Code>{error.code}</Code> {error.message}
      </Text>
      {error.details.length > 0 && (
        <List size="sm" mt={4} data-testid="error-details">
          {error.details.map((d, i) => (
            <List.Item key={i}>
              {d.path ? <Code>{d.path}</Code> : null} {d.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
