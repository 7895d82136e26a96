/** The routes of the app. Every page below the shell needs a signed-in person. */
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { HomeRedirect } from './pages/home.tsx';
import { LoginPage } from './pages/login.tsx';
import { PasswordPage } from './pages/password-page.tsx';
import { NotFoundPage } from './pages/error-pages.tsx';
import { Shell } from './pages/shell.tsx';
import { MyWorkPage } from './operator/my-work.tsx';
import { StepPage } from './operator/step-page.tsx';
import { BatchesPage } from './qa/batches-page.tsx';
import { BatchPage } from './qa/batch-page.tsx';
import { InboxPage } from './qa/inbox-page.tsx';
import { ReviewPage } from './qa/review-page.tsx';
import { DeviationPage } from './qa/deviation-page.tsx';
import { ProceduresPage } from './engineer/procedures-page.tsx';
import { ProcedurePage } from './engineer/procedure-page.tsx';
import { VersionPage } from './engineer/version-page.tsx';
import { UploadPage } from './engineer/upload-page.tsx';
import { Loading } from './ui/page.tsx';

// Chart.js is the largest part of the app and only the dashboard needs it: tablets on the line never load it.
const DashboardPage = lazy(() => import('./leader/dashboard-page.tsx').then((m) => ({ default: m.DashboardPage })));

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<Shell />}>
        <Route index element={<HomeRedirect />} />
        <Route path="work" element={<MyWorkPage />} />
        <Route path="batches" element={<BatchesPage />} />
        <Route path="batches/:batchId" element={<BatchPage />} />
        <Route path="batches/:batchId/review" element={<ReviewPage />} />
        <Route path="batches/:batchId/steps/:stepId" element={<StepPage />} />
        <Route path="qa" element={<InboxPage />} />
        <Route path="deviations/:deviationId" element={<DeviationPage />} />
        <Route path="procedures" element={<ProceduresPage />} />
        <Route path="procedures/new" element={<UploadPage />} />
        <Route path="procedures/:code" element={<ProcedurePage />} />
        <Route path="procedures/:code/versions/:version" element={<VersionPage />} />
        <Route
          path="leader"
          element={
            <Suspense fallback={<Loading what="Loading the dashboard" />}>
              <DashboardPage />
            </Suspense>
          }
        />
        <Route path="password" element={<PasswordPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
