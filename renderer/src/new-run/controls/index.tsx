import type { ControlKind } from '../form-spec';
import {
  CheckboxControl,
  ListControl,
  NumberControl,
  SelectControl,
  TagsControl,
  TextControl,
} from './basic';
import {
  BatchSizeControl,
  DropoutControl,
  InitControl,
  LrScheduleControl,
  SplitTestControl,
} from './composite';
import type { ControlProps } from './types';

export function Control({ kind, ...props }: ControlProps & { kind: ControlKind }) {
  switch (kind) {
    case 'text':
      return <TextControl {...props} />;
    case 'integer':
      return <NumberControl {...props} integer />;
    case 'number':
      return <NumberControl {...props} />;
    case 'select':
      return <SelectControl {...props} />;
    case 'checkbox':
      return <CheckboxControl {...props} />;
    case 'int-list':
      return <ListControl {...props} empty="empty-list" />;
    case 'optional-int-list':
      return <ListControl {...props} empty="absent" />;
    case 'tags':
      return <TagsControl {...props} />;
    case 'batch-size':
      return <BatchSizeControl {...props} />;
    case 'split-test':
      return <SplitTestControl {...props} />;
    case 'init':
      return <InitControl {...props} />;
    case 'dropout':
      return <DropoutControl {...props} />;
    case 'lr-schedule':
      return <LrScheduleControl {...props} />;
  }
}
