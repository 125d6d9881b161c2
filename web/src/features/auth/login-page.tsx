import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { Navigate, useSearchParams } from 'react-router';
import { describeError, isApiError } from '../../lib/api.js';
import { safeNextPath, useSessionUser } from '../../lib/auth.js';
import { useLogin } from './api.js';

function loginErrorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'OPSDECK_E_RATE_LIMITED' || error.status === 429) {
      const wait =
        error.retryAfterSeconds !== null
          ? ` Try again in ${Math.max(1, Math.ceil(error.retryAfterSeconds / 60))} minute(s).`
          : ' Wait a few minutes before trying again.';
      return `Too many failed sign-in attempts for this account from your address.${wait}`;
    }
    if (error.code === 'OPSDECK_E_BAD_CREDENTIALS') return 'Wrong username or password.';
  }
  return describeError(error);
}

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const session = useSessionUser();
  const loginMutation = useLogin();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (v.trim() === '' ? 'Enter your username' : null),
      password: (v) => (v === '' ? 'Enter your password' : null),
    },
  });

  if (session.data) return <Navigate to={next} replace />;

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380}>
        <form
          aria-label="Sign in"
          onSubmit={form.onSubmit((values) =>
            loginMutation.mutate({ username: values.username.trim(), password: values.password }),
          )}
        >
          <Stack>
            <div>
              <Title order={2}>opsdeck</Title>
              <Text c="dimmed" size="sm">
                Sign in to the operations dashboard
              </Text>
            </div>
            {loginMutation.isError && (
              <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert" title="Sign-in failed">
                {loginErrorMessage(loginMutation.error)}
              </Alert>
            )}
            <TextInput
              label="Username"
              autoComplete="username"
              autoFocus
              key={form.key('username')}
              {...form.getInputProps('username')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              key={form.key('password')}
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={loginMutation.isPending} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
