import { Navigate, createBrowserRouter } from 'react-router';
import { AuditPage } from '../features/audit/audit-page.js';
import { LoginPage } from '../features/auth/login-page.js';
import { ChangesPage } from '../features/changes/changes-page.js';
import { CertificatesPage } from '../features/estate/certificates-page.js';
import { EstateLayout } from '../features/estate/estate-layout.js';
import { PlanDetailPage } from '../features/estate/plan-detail-page.js';
import { PlansPage } from '../features/estate/plans-page.js';
import { ResourceDetailPage } from '../features/estate/resource-detail-page.js';
import { ResourcesPage } from '../features/estate/resources-page.js';
import { GuardrailsPage } from '../features/guardrails/guardrails-page.js';
import { AckPage } from '../features/incidents/ack-page.js';
import { IncidentPage } from '../features/incidents/incident-page.js';
import { IncidentsPage } from '../features/incidents/incidents-page.js';
import { IntegrationsPage } from '../features/integrations/integrations-page.js';
import { EscalationPoliciesPage } from '../features/oncall/escalation-policies-page.js';
import { OnCallLayout } from '../features/oncall/oncall-layout.js';
import { OnCallPage } from '../features/oncall/on-call-page.js';
import { RoutingPage } from '../features/oncall/routing-page.js';
import { SchedulePage } from '../features/oncall/schedule-page.js';
import { SchedulesPage } from '../features/oncall/schedules-page.js';
import { ServicesPage } from '../features/oncall/services-page.js';
import { SilencesPage } from '../features/oncall/silences-page.js';
import { OverviewPage } from '../features/overview/overview-page.js';
import { TokensPage } from '../features/tokens/tokens-page.js';
import { UsersPage } from '../features/users/users-page.js';
import { NotFoundPage, RequireAuth, RequirePermission } from './guards.js';
import { SettingsLayout } from './settings-layout.js';
import { Shell } from './shell.js';

/** Client-side routes; the server answers every non-API path with index.html. */
export function createRouter() {
  return createBrowserRouter([
    { path: '/login', element: <LoginPage /> },
    // Signed links from notifications: the token is the authority, no sign-in needed.
    { path: '/ack/:token', element: <AckPage /> },
    {
      path: '/',
      element: (
        <RequireAuth>
          <Shell />
        </RequireAuth>
      ),
      children: [
        { index: true, element: <OverviewPage /> },
        { path: 'guardrails', element: <GuardrailsPage /> },
        {
          path: 'estate',
          element: <EstateLayout />,
          children: [
            {
              index: true,
              // The charts library is loaded only when the Estate overview is opened.
              lazy: () =>
                import('../features/estate/estate-page.js').then((m) => ({ Component: m.EstatePage })),
            },
            { path: 'resources', element: <ResourcesPage /> },
            { path: 'resources/:key', element: <ResourceDetailPage /> },
            { path: 'plans', element: <PlansPage /> },
            { path: 'plans/:id', element: <PlanDetailPage /> },
            { path: 'certificates', element: <CertificatesPage /> },
          ],
        },
        { path: 'incidents', element: <IncidentsPage /> },
        { path: 'incidents/:id', element: <IncidentPage /> },
        {
          element: <OnCallLayout />,
          children: [
            { path: 'on-call', element: <OnCallPage /> },
            { path: 'schedules', element: <SchedulesPage /> },
            { path: 'schedules/:id', element: <SchedulePage /> },
            { path: 'escalation-policies', element: <EscalationPoliciesPage /> },
            { path: 'services', element: <ServicesPage /> },
            { path: 'routing', element: <RoutingPage /> },
            { path: 'silences', element: <SilencesPage /> },
          ],
        },
        { path: 'integrations', element: <IntegrationsPage /> },
        { path: 'changes', element: <ChangesPage /> },
        {
          path: 'audit',
          element: (
            <RequirePermission permission="audit:read">
              <AuditPage />
            </RequirePermission>
          ),
        },
        {
          path: 'settings',
          element: <SettingsLayout />,
          children: [
            { index: true, element: <Navigate to="tokens" replace /> },
            { path: 'tokens', element: <TokensPage /> },
            {
              path: 'users',
              element: (
                <RequirePermission permission="users:read">
                  <UsersPage />
                </RequirePermission>
              ),
            },
          ],
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
