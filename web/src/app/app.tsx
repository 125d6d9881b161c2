import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { AppProvider } from './provider.js';
import { createRouter } from './router.js';

export function App() {
  const [router] = useState(createRouter);
  return (
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
